-- Open disputed invoices at $as_of per dispute reason (DOMAIN.md §4), largest amount first.
SELECT dispute_reason AS reason, count(*) AS invoices, CAST(sum(open_amount) AS DOUBLE) AS amount
FROM open_items($as_of, $edges, $names)
WHERE disputed
  AND client_id IN (SELECT client_id FROM filtered_clients($f_segment, $f_sector, $f_sales_rep, $f_region, $f_group_id))
GROUP BY dispute_reason
ORDER BY amount DESC, reason NULLS LAST
