-- Code de commerce L441-10 I: invoices settled in ($window_start, $as_of] more than $limit_days
-- days after their date, and invoices still open at $as_of already past that point (is_open).
SELECT f.invoice_id, f.client_id, c.name, f.invoice_date, f.due_date,
       CAST(f.amount AS DOUBLE) AS amount, CAST(f.open_amount AS DOUBLE) AS open_amount,
       CASE WHEN f.settle_date <= $as_of THEN f.settle_date END AS settle_date,
       CASE WHEN f.settle_date <= $as_of THEN f.settle_date ELSE $as_of END - f.invoice_date AS days_since_invoice,
       NOT coalesce(f.settle_date <= $as_of, false) AS is_open
FROM invoice_facts($as_of, $as_of) AS f
JOIN clients AS c USING (client_id)
WHERE f.amount > 0
  AND ((f.settle_date > $window_start AND f.settle_date <= $as_of AND f.settle_date - f.invoice_date > $limit_days)
       OR (f.open_amount > 0 AND $as_of - f.invoice_date > $limit_days))
  AND f.client_id IN (SELECT client_id FROM filtered_clients($f_segment, $f_sector, $f_sales_rep, $f_region, $f_group_id))
ORDER BY is_open DESC, days_since_invoice DESC, f.invoice_id
