-- The client's disputed invoices, open or settled, newest first.
SELECT invoice_id, invoice_date, due_date, amount, dispute_reason
FROM invoices WHERE client_id = $client_id AND disputed ORDER BY invoice_date DESC, invoice_id
