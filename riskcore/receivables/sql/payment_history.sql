-- Invoices of one client settled by $as_of (DOMAIN.md §3): days to pay and days late per invoice.
SELECT invoice_id, invoice_date, due_date, settle_date, CAST(amount AS DOUBLE) AS amount,
       settle_date - invoice_date AS days_to_pay,
       greatest(settle_date - due_date, 0) AS days_late,
       due_date - invoice_date AS terms_days
FROM invoice_facts($as_of, $as_of)
WHERE client_id = $client_id AND settle_date <= $as_of
ORDER BY settle_date, invoice_id
