-- Cash-in forecast (riskcore.credit.forecast): every invoice (amount > 0) issued by $as_of with its
-- life as known at $as_of (DOMAIN.md §2, invoice_facts): what is still open, the day it was settled
-- or written off by then (NULL: not yet), whether it is disputed then, and its client's status.
-- Nothing dated after $as_of is read, so the forecast made at a past date sees what was known then;
-- the client's status and the ledger's own dispute flag carry no date and are read as they stand.
SELECT f.invoice_id, f.client_id, coalesce(c.name, f.client_id) AS name, f.invoice_date,
       greatest(coalesce(f.due_date, f.invoice_date + coalesce(c.payment_terms_days, $default_terms)),
                f.invoice_date) AS due_date,
       CAST(f.amount AS DOUBLE) AS amount,
       CAST(coalesce(f.open_amount, 0) AS DOUBLE) AS open_amount,
       f.settle_date,
       CASE WHEN f.write_off_date <= $as_of THEN f.write_off_date END AS write_off_date,
       f.disputed, f.dispute_reason,
       coalesce(c.status, 'active') AS status,
       coalesce(c.doubtful, false) AS doubtful
FROM invoice_facts($as_of, $as_of) AS f
JOIN clients AS c USING (client_id)
WHERE f.amount > 0
ORDER BY f.client_id, f.invoice_date, f.invoice_id
