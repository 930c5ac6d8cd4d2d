-- Open items at $as_of (DOMAIN.md §2), oldest due first; one client when $client_id is not NULL.
SELECT o.invoice_id, o.client_id, c.name, o.invoice_date, o.due_date, o.due_date_assumed,
       CAST(o.amount AS DOUBLE) AS amount, CAST(o.open_amount AS DOUBLE) AS open_amount,
       o.days_past_due, o.bucket, o.disputed, o.dispute_reason
FROM open_items($as_of, $edges, $names) AS o
JOIN clients AS c USING (client_id)
WHERE o.client_id IN (SELECT client_id FROM filtered_clients($f_segment, $f_sector, $f_sales_rep, $f_region, $f_group_id))
  AND ($client_id IS NULL OR o.client_id = $client_id)
ORDER BY o.days_past_due DESC NULLS LAST, o.invoice_id
