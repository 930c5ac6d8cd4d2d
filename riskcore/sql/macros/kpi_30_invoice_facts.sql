-- Every invoice and credit note issued by as_of, reconstructed from dates (DOMAIN.md §2-3):
--   open_amount: amount - payments dated <= as_of, NULL once written off (write_off_date <= as_of);
--   open_prior:  the same at the earlier date prior (NULL when not yet issued or written off then);
--   settle_date: for an invoice (amount > 0) whose payments dated <= as_of cover its amount, the
--                date of the last of them (the payment that settled it); NULL while unpaid or when
--                written off first. Only dates <= as_of are looked at, so a figure at D never moves
--                when later payments arrive;
--   paid, last_payment: payments dated <= as_of, and the date of the last one.
-- horizon (optional): see the WHERE clause.
CREATE OR REPLACE MACRO invoice_facts(as_of, prior, horizon := NULL) AS TABLE
SELECT i.invoice_id, i.client_id, i.invoice_date, i.due_date,
       coalesce(i.due_date_assumed, false) AS due_date_assumed,
       i.amount,
       coalesce(i.disputed, false) AS disputed,
       i.dispute_reason,
       i.write_off_date,
       coalesce(i.opening, false) AS opening,
       CASE WHEN i.write_off_date IS NULL OR i.write_off_date > as_of
            THEN i.amount - coalesce(p.paid, 0) END AS open_amount,
       CASE WHEN i.invoice_date <= prior AND (i.write_off_date IS NULL OR i.write_off_date > prior)
            THEN i.amount - coalesce(p.paid_prior, 0) END AS open_prior,
       CASE WHEN i.amount > 0 AND p.paid >= i.amount
                 AND (i.write_off_date IS NULL OR i.write_off_date > p.last_payment)
            THEN p.last_payment END AS settle_date,
       as_of - i.due_date AS days_past_due,
       coalesce(p.paid, 0) AS paid,
       p.last_payment
FROM invoices AS i
LEFT JOIN payment_totals(as_of, prior) AS p USING (invoice_id)
WHERE i.invoice_date <= as_of
  -- with a horizon, an invoice issued by then is left out unless it is open at as_of (paid <> amount)
  -- or was paid after the horizon: this filter runs before the columns above are worked out
  AND (horizon IS NULL OR i.invoice_date > horizon OR p.last_payment > horizon OR coalesce(p.paid, 0) <> i.amount);
