-- Aging balance at $as_of (DOMAIN.md §2): open amount and count of the open invoices per bucket, by
-- days past due ($basis = 'due') or by seniority since the invoice date ($basis = 'invoice'), and the
-- two lines shown beside the buckets, as positive amounts deducted from them: 'unapplied_credits',
-- what is left of the credit notes (negative amounts) not applied in full to an invoice, never aged
-- nor netted into a bucket, and 'unapplied_cash', the payments with no invoice dated <= $as_of (its
-- count: the clients holding some).
-- The buckets minus those two lines equal the total outstanding, client by client and in all.
WITH kept AS (
    SELECT client_id FROM filtered_clients($f_segment, $f_sector, $f_sales_rep, $f_region, $f_group_id))
SELECT CASE WHEN amount < 0 THEN 'unapplied_credits'
            ELSE bucket_of(CASE WHEN $basis = 'invoice' THEN $as_of - invoice_date ELSE days_past_due END, $edges, $names)
       END AS bucket,
       CAST(sum(CASE WHEN amount < 0 THEN -open_amount ELSE open_amount END) AS DOUBLE) AS amount,
       count(*) AS invoices
FROM open_items($as_of, $edges, $names)
WHERE client_id IN (SELECT client_id FROM kept)
GROUP BY 1
UNION ALL
SELECT 'unapplied_cash', CAST(coalesce(sum(unapplied), 0) AS DOUBLE), count(*)
FROM unapplied_cash($as_of)
WHERE client_id IN (SELECT client_id FROM kept)
