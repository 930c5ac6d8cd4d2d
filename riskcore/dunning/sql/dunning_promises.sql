-- Every promise to pay made by $as_of, with what was paid on its invoices from the day it was made
-- to $as_of and to its deadline (promise date + $grace_days); its state is worked out in Python
-- (riskcore.dunning.promises).
SELECT p.promise_id, p.client_id, p.made_on, p.promise_date, CAST(p.amount AS DOUBLE) AS amount, p.note,
       p.recorded_by, p.recorded_at,
       list(DISTINCT pi.invoice_id ORDER BY pi.invoice_id) FILTER (WHERE pi.invoice_id IS NOT NULL) AS invoice_ids,
       coalesce(sum(CAST(pay.amount AS DOUBLE)), 0) AS paid
FROM promises AS p
LEFT JOIN promise_invoices AS pi USING (promise_id)
LEFT JOIN payments AS pay
       ON pay.invoice_id = pi.invoice_id
      AND pay.payment_date >= p.made_on
      AND pay.payment_date <= least($as_of, p.promise_date + CAST($grace_days AS INTEGER))
WHERE p.made_on <= $as_of
GROUP BY ALL
ORDER BY p.client_id, p.promise_date, p.promise_id
