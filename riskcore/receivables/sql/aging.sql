-- Aging balance at $as_of (DOMAIN.md §2): open amount and count of open items per bucket, by days
-- past due ($basis = 'due') or by seniority since the invoice date ($basis = 'invoice').
SELECT bucket_of(CASE WHEN $basis = 'invoice' THEN $as_of - invoice_date ELSE days_past_due END, $edges, $names) AS bucket,
       CAST(sum(open_amount) AS DOUBLE) AS amount,
       count(*) AS invoices
FROM open_items($as_of, $edges, $names)
WHERE client_id IN (SELECT client_id FROM filtered_clients($f_segment, $f_sector, $f_sales_rep, $f_region, $f_group_id))
GROUP BY 1
