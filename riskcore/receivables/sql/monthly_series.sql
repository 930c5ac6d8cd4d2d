-- Month-end series (DOMAIN.md §2-3) at every date of $points in one query, not one per month:
-- outstanding and overdue are running sums of dated events (an invoice counts from its date, and as
-- overdue from the day after its due date, until its write-off; a payment counts from its date, not
-- before its invoice's) read at each point; so are the invoices settled in the behaviour window
-- before each point; sales and countback are joined to the calendar of points. Every figure equals
-- the snapshot's at that date (riskcore/sql/client_position.sql).
WITH kept AS (
    SELECT client_id FROM filtered_clients($f_segment, $f_sector, $f_sales_rep, $f_region, $f_group_id)),
pts AS (
    SELECT unnest($points) AS point),
inv AS (
    SELECT invoice_id, invoice_date, due_date, amount, write_off_date, coalesce(opening, false) AS opening,
           -- a credit note is never overdue (DOMAIN.md §2): it has no overdue events
           CASE WHEN due_date IS NOT NULL AND amount >= 0 THEN greatest(invoice_date, due_date + 1) END AS overdue_from
    FROM invoices
    WHERE invoice_date <= $last AND client_id IN (SELECT client_id FROM kept)),
paid_in AS (
    -- payments allocated to an invoice, with the invoice's dates
    SELECT i.invoice_id, i.invoice_date, i.due_date, i.overdue_from, i.write_off_date, i.amount AS invoice_amount,
           p.payment_date, p.amount
    FROM payments AS p JOIN inv AS i USING (invoice_id)
    WHERE p.payment_date <= $last),
alloc AS (
    -- those after the invoice's write-off never change its open amount
    SELECT * FROM paid_in WHERE write_off_date IS NULL OR payment_date <= write_off_date),
written_off AS (
    -- the open amount at the write-off date leaves outstanding (and overdue) on that date
    SELECT i.write_off_date, i.invoice_date, i.overdue_from, i.amount - coalesce(sum(a.amount), 0) AS open_amount
    FROM inv AS i LEFT JOIN alloc AS a USING (invoice_id)
    WHERE i.write_off_date <= $last
    GROUP BY i.invoice_id, i.write_off_date, i.invoice_date, i.overdue_from, i.amount),
events AS (
    SELECT invoice_date AS day, amount AS outstanding, 0 AS overdue
    FROM inv WHERE write_off_date IS NULL OR write_off_date > invoice_date
    UNION ALL
    SELECT overdue_from, 0, amount
    FROM inv WHERE overdue_from IS NOT NULL AND (write_off_date IS NULL OR write_off_date > overdue_from)
    UNION ALL
    SELECT greatest(payment_date, invoice_date), -amount, 0
    FROM alloc WHERE write_off_date IS NULL OR write_off_date > invoice_date
    UNION ALL
    SELECT greatest(payment_date, overdue_from), 0, -amount
    FROM alloc WHERE overdue_from IS NOT NULL AND (write_off_date IS NULL OR write_off_date > overdue_from)
    UNION ALL
    SELECT write_off_date, -open_amount, 0 FROM written_off WHERE write_off_date > invoice_date
    UNION ALL
    SELECT write_off_date, 0, -open_amount FROM written_off WHERE write_off_date > overdue_from
    UNION ALL
    -- unapplied cash lowers the outstanding total, not the overdue amount
    SELECT payment_date, -amount, 0
    FROM payments
    WHERE invoice_id IS NULL AND payment_date <= $last AND client_id IN (SELECT client_id FROM kept)),
daily AS (
    SELECT day, sum(outstanding) AS outstanding, sum(overdue) AS overdue FROM events GROUP BY day),
position AS (
    SELECT pts.point,
           CAST(coalesce(sum(d.outstanding), 0) AS DOUBLE) AS total_outstanding,
           CAST(coalesce(sum(d.overdue), 0) AS DOUBLE) AS overdue_amount
    FROM pts LEFT JOIN daily AS d ON d.day <= pts.point
    GROUP BY pts.point),
sales AS (
    SELECT invoice_date AS day, sum(amount) AS amount FROM inv WHERE NOT opening GROUP BY invoice_date),
sales_n AS (
    SELECT pts.point, CAST(sum(s.amount) AS DOUBLE) AS sales
    FROM pts JOIN sales AS s ON s.day > pts.point - $dso_days AND s.day <= pts.point
    GROUP BY pts.point),
covered AS (
    -- after each payment that leaves an invoice covered (paid >= amount), the invoice counts as
    -- settled on that day, from that day (or its invoice date if later) until its next payment and
    -- for at most the behaviour window
    SELECT payment_date AS settle_date, greatest(payment_date, invoice_date) AS from_day, invoice_amount,
           invoice_date, due_date,
           least(coalesce(next_payment, payment_date + $window_days), payment_date + $window_days) AS until
    FROM (SELECT *,
                 sum(amount) OVER (PARTITION BY invoice_id ORDER BY payment_date
                                   RANGE BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW) AS paid,
                 lead(payment_date) OVER (PARTITION BY invoice_id ORDER BY payment_date) AS next_payment
          FROM paid_in)
    WHERE invoice_amount > 0 AND paid >= invoice_amount
      AND (write_off_date IS NULL OR write_off_date > payment_date)),
intervals AS (
    SELECT from_day, until, CAST(invoice_amount AS DOUBLE) AS weight,
           settle_date - invoice_date AS days_to_pay, greatest(settle_date - due_date, 0) AS days_late
    FROM covered
    WHERE from_day < until),
settled AS (
    SELECT day, sum(weight) AS amount, sum(weight * days_to_pay) AS amount_days_to_pay,
           sum(weight * days_late) AS amount_days_late
    FROM (SELECT from_day AS day, weight, days_to_pay, days_late FROM intervals
          UNION ALL
          SELECT until, -weight, days_to_pay, days_late FROM intervals WHERE until <= $last)
    GROUP BY day),
behaviour AS (
    SELECT pts.point,
           CASE WHEN sum(s.amount) > 1e-6 THEN sum(s.amount_days_to_pay) / sum(s.amount) END AS weighted_days_to_pay,
           CASE WHEN sum(s.amount) > 1e-6 THEN sum(s.amount_days_late) / sum(s.amount) END AS avg_days_late
    FROM pts JOIN settled AS s ON s.day <= pts.point
    GROUP BY pts.point),
countback AS (
    SELECT * FROM countback_dso(
        $points,
        (SELECT list(total_outstanding ORDER BY point) FROM position),
        $max_months, $f_segment, $f_sector, $f_sales_rep, $f_region, $f_group_id))
SELECT p.point AS month_end, p.total_outstanding, p.overdue_amount,
       CASE WHEN p.total_outstanding > 0 THEN p.overdue_amount / p.total_outstanding END AS overdue_rate,
       CASE WHEN s.sales > 0 THEN p.total_outstanding / s.sales * $dso_days END AS dso_simple_90,
       cb.dso_countback,
       CAST(b.weighted_days_to_pay AS DOUBLE) AS weighted_days_to_pay,
       CAST(b.avg_days_late AS DOUBLE) AS avg_days_late
FROM position AS p
LEFT JOIN sales_n AS s USING (point)
LEFT JOIN countback AS cb USING (point)
LEFT JOIN behaviour AS b USING (point)
ORDER BY p.point
