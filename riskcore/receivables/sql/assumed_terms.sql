-- Whether any invoice's due date was derived from payment terms (a FEC has none; DOMAIN.md §6).
SELECT coalesce(bool_or(due_date_assumed), false) FROM invoices
