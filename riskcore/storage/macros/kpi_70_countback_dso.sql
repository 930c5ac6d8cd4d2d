-- DSO by the countback method (DOMAIN.md §3) at several points at once, given AR at each point.
-- Months are calendar months, the current one from its 1st to the point; newest first, for at most
-- max_months: stop at the first month whose sales are <= 0; while AR left > the month's sales, add
-- the month's days and take its sales off; else add days x AR left / sales and stop. NULL when the
-- current month has no sales. Opening balances are not sales; f_* are the client filters.
CREATE OR REPLACE MACRO countback_dso(points, ars, max_months, f_segment, f_sector, f_sales_rep, f_region, f_group_id) AS TABLE
WITH pts AS (
    SELECT unnest(points) AS point, CAST(unnest(ars) AS DOUBLE) AS ar),
months AS (
    SELECT point, ar, k,
           CAST(date_trunc('month', point) - to_months(k) AS DATE) AS month_start,
           CASE WHEN k = 0 THEN point
                ELSE CAST(date_trunc('month', point) - to_months(k - 1) AS DATE) - 1 END AS month_end
    FROM pts CROSS JOIN range(max_months) AS r(k)),
daily AS (
    SELECT invoice_date, CAST(sum(amount) AS DOUBLE) AS amount
    FROM invoices
    WHERE NOT coalesce(opening, false)
      -- bounds as expressions of the arguments, not subqueries, so that the planner sees them
      AND invoice_date >= CAST(date_trunc('month', list_min(points)) - to_months(max_months - 1) AS DATE)
      AND invoice_date <= list_max(points)
      AND client_id IN (SELECT client_id FROM filtered_clients(f_segment, f_sector, f_sales_rep, f_region, f_group_id))
    GROUP BY invoice_date),
sales AS (
    SELECT m.point, m.ar, m.k, m.month_end - m.month_start + 1 AS days, coalesce(sum(d.amount), 0) AS sales
    FROM months AS m
    LEFT JOIN daily AS d ON d.invoice_date >= m.month_start AND d.invoice_date <= m.month_end
    GROUP BY m.point, m.ar, m.k, m.month_start, m.month_end),
run AS (
    SELECT *,
           sum(sales) OVER w - sales AS sales_before,
           sum(days) OVER w - days AS days_before,
           bool_or(sales <= 0) OVER w AS stopped
    FROM sales
    WINDOW w AS (PARTITION BY point ORDER BY k ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW))
SELECT point,
       CASE WHEN bool_or(k = 0 AND sales <= 0) THEN NULL
            ELSE coalesce(
                arg_min(days_before + days * (ar - sales_before) / sales, k)
                    FILTER (WHERE NOT stopped AND ar <= sales_before + sales),
                max(days_before + days) FILTER (WHERE NOT stopped)) END AS dso_countback
FROM run
GROUP BY point;
