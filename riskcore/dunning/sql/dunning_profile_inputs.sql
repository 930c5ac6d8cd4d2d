-- What a payer profile is read from (DOMAIN §9), per client at $as_of: how many of its invoices are
-- settled, and the amount-weighted days late of those settled in ($window_start, $as_of]; with the
-- collector who chases it.
WITH settled AS (
    SELECT client_id,
           count(settle_date) AS settled_invoices,
           sum(CAST(amount AS DOUBLE) * greatest(settle_date - due_date, 0)) FILTER (WHERE settle_date > $window_start)
               / sum(CAST(amount AS DOUBLE)) FILTER (WHERE settle_date > $window_start) AS weighted_days_late
    FROM invoice_facts($as_of, $as_of)
    WHERE amount > 0
    GROUP BY client_id)
SELECT c.client_id, c.collector, coalesce(s.settled_invoices, 0) AS settled_invoices, s.weighted_days_late
FROM clients AS c
LEFT JOIN settled AS s USING (client_id)
