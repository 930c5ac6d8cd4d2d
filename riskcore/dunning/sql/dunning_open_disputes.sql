-- The disputed invoices open at $as_of, with their reason and, when the dispute was recorded in
-- Encours, its age in days (a dispute flagged by the ledger has no date).
SELECT f.invoice_id, f.client_id, coalesce(f.dispute_reason, '') AS reason, CAST(f.open_amount AS DOUBLE) AS amount,
       $as_of - e.opened_on AS age_days
FROM invoice_facts($as_of, $as_of) AS f
LEFT JOIN (SELECT invoice_id, max(event_date) FILTER (WHERE opened) AS opened_on
           FROM dispute_events
           WHERE event_date <= $as_of
           GROUP BY invoice_id) AS e USING (invoice_id)
WHERE f.disputed AND f.open_amount > 0
ORDER BY f.invoice_id
