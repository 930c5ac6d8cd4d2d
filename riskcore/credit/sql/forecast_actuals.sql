-- Cash-in backtest (riskcore.credit.forecast_backtest): what was actually received on the invoices a
-- forecast covered (forecast_items: origin, invoice_id, client_id, registered by the caller), per
-- origin, client and payment date, in the $days days after each origin.
WITH items AS (
    SELECT CAST(origin AS DATE) AS origin, invoice_id, client_id FROM forecast_items
)
SELECT i.origin, i.client_id, p.payment_date, CAST(sum(p.amount) AS DOUBLE) AS amount
FROM items AS i
JOIN payments AS p USING (invoice_id)
WHERE p.payment_date > i.origin AND p.payment_date <= i.origin + CAST($days AS INTEGER)
GROUP BY ALL
ORDER BY ALL
