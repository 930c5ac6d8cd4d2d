-- The invoices of a client open at $as_of (debit items with something left to pay), oldest due first.
SELECT invoice_id
FROM invoice_facts($as_of, $as_of)
WHERE client_id = $client AND open_amount > 0
ORDER BY due_date, invoice_id
