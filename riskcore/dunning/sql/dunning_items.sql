-- The open invoices of every client at $as_of that a scenario may act on: overdue, or due within
-- $lead_days (the earliest pre-due step of any scenario). Disputed ones are kept here, flagged: the
-- scenario leaves them out, the worklist still shows them.
SELECT client_id, invoice_id, due_date, CAST(open_amount AS DOUBLE) AS remaining, disputed
FROM invoice_facts($as_of, $as_of)
WHERE open_amount > 0 AND due_date IS NOT NULL AND due_date <= $as_of + CAST($lead_days AS INTEGER)
ORDER BY client_id, due_date, invoice_id
