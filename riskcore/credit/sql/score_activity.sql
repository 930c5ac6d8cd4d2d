-- Each client's last invoice by $as_of and how many of its invoices have a known outcome then
-- (due + $late_days passed): the `inactive` flag and the little-data count of riskcore.credit.scores.
SELECT i.client_id,
       max(i.invoice_date) FILTER (WHERE i.invoice_date <= $as_of) AS last_invoice,
       count(*) FILTER (
           WHERE NOT coalesce(i.opening, false)
             AND greatest(coalesce(i.due_date, i.invoice_date + coalesce(c.payment_terms_days, $default_terms)),
                          i.invoice_date) + $late_days <= $as_of
       ) AS outcomes
FROM invoices i JOIN clients c USING (client_id)
WHERE i.amount > 0 AND NOT coalesce(c.non_credit, false)
GROUP BY i.client_id
