-- Cash-in forecast: every promise to pay made by $as_of (DOMAIN.md §9), one row per promised invoice,
-- with what was paid on all its invoices from the day it was made to $as_of and to its deadline
-- (promise date + $grace_days). Its state at $as_of is worked out in riskcore.credit.forecast as
-- riskcore.dunning.promises does: kept once that reaches its amount, else pending up to the deadline,
-- broken after it. Read here rather than through riskcore.dunning, which lies above credit.
WITH paid AS (
    SELECT p.promise_id, coalesce(sum(CAST(pay.amount AS DOUBLE)), 0) AS paid
    FROM promises AS p
    LEFT JOIN promise_invoices AS pi USING (promise_id)
    LEFT JOIN payments AS pay
           ON pay.invoice_id = pi.invoice_id
          AND pay.payment_date >= p.made_on
          AND pay.payment_date <= least(CAST($as_of AS DATE), p.promise_date + CAST($grace_days AS INTEGER))
    WHERE p.made_on <= $as_of
    GROUP BY p.promise_id
)
SELECT p.promise_id, p.client_id, p.made_on, p.promise_date,
       p.promise_date + CAST($grace_days AS INTEGER) AS deadline,
       CAST(p.amount AS DOUBLE) AS amount, paid.paid, pi.invoice_id
FROM promises AS p
JOIN paid USING (promise_id)
LEFT JOIN promise_invoices AS pi USING (promise_id)
ORDER BY p.promise_date, p.promise_id, pi.invoice_id
