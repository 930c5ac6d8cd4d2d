-- Late-payment penalties (Code de commerce L441-10 II) and recovery indemnities (D441-5) at $as_of,
-- per invoice paid after its due date in ($window_start, $as_of] or open and overdue at $as_of:
-- penalties run from the day after the due date to the settle date (or $as_of while open), on the
-- amount (or the open amount), at the rate of each half-year (riskcore.legal.rate_table).
SELECT f.invoice_id, f.client_id, c.name, CAST(f.amount AS DOUBLE) AS amount,
       CAST(f.penalty_base AS DOUBLE) AS penalty_base, f.due_date,
       CASE WHEN f.settle_date <= $as_of THEN f.settle_date END AS settle_date,
       f.end_day - f.due_date AS days_late,
       late_penalty(f.penalty_base, f.due_date, f.end_day, $hy_base, $hy_cum, $hy_rate) AS penalty,
       CAST($indemnity AS DOUBLE) AS indemnity
FROM (SELECT *,
             penalty_base(open_amount, amount, settle_date, due_date, $as_of, $window_start) AS penalty_base,
             penalty_end(open_amount, settle_date, due_date, $as_of) AS end_day
      FROM invoice_facts($as_of, $as_of)
      WHERE client_id IN (SELECT client_id FROM filtered_clients($f_segment, $f_sector, $f_sales_rep, $f_region, $f_group_id))
        AND ($client_id IS NULL OR client_id = $client_id)) AS f
JOIN clients AS c USING (client_id)
WHERE f.penalty_base IS NOT NULL
ORDER BY f.client_id, f.due_date, f.invoice_id
