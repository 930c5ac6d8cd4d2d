-- Inputs of the suggested credit limit and of utilisation at $as_of, per client (DOMAIN.md §4, §7):
-- sales S(D-365, D] (credit notes included, opening balances not revenue), terms, limits, and the
-- balance = open amounts of invoices issued by D and not written off by D - unapplied cash at D.
WITH sales AS (
    SELECT client_id, sum(amount) AS sales_12m
    FROM invoices
    WHERE NOT coalesce(opening, false)
      AND invoice_date > CAST($as_of AS DATE) - 365 AND invoice_date <= CAST($as_of AS DATE)
    GROUP BY client_id
),
open_items AS (
    SELECT i.client_id,
           i.amount - coalesce(sum(p.amount) FILTER (WHERE p.payment_date <= CAST($as_of AS DATE)), 0) AS open_amount
    FROM invoices i LEFT JOIN payments p ON p.invoice_id = i.invoice_id
    WHERE i.invoice_date <= CAST($as_of AS DATE)
      AND (i.write_off_date IS NULL OR i.write_off_date > CAST($as_of AS DATE))
    GROUP BY i.invoice_id, i.client_id, i.amount
),
balances AS (
    SELECT client_id, sum(open_amount) AS open_amount FROM open_items GROUP BY client_id
),
unapplied AS (
    SELECT client_id, sum(amount) AS cash
    FROM payments
    WHERE invoice_id IS NULL AND payment_date <= CAST($as_of AS DATE)
    GROUP BY client_id
)
SELECT c.client_id,
       c.credit_limit::DOUBLE AS credit_limit,
       c.insured_limit::DOUBLE AS insured_limit,
       coalesce(c.payment_terms_days, $default_terms) AS terms_days,
       coalesce(s.sales_12m, 0)::DOUBLE AS sales_12m,
       (coalesce(b.open_amount, 0) - coalesce(u.cash, 0))::DOUBLE AS outstanding
FROM clients c
LEFT JOIN sales s USING (client_id)
LEFT JOIN balances b USING (client_id)
LEFT JOIN unapplied u USING (client_id)
ORDER BY c.client_id
