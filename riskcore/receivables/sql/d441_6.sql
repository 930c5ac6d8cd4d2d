-- Code de commerce D441-6 (with L441-14): client invoices issued and unpaid at $as_of whose due date
-- has passed, per lateness bracket ($names[2:], every bracket listed): count and open amount,
-- disputed ones apart; and the revenue S over ($year_start, $as_of] (opening balances are not revenue).
WITH overdue AS (
    SELECT bucket_of(days_past_due, $edges, $names) AS bracket, open_amount, disputed
    FROM open_items($as_of, $edges, $names)
    WHERE amount > 0 AND open_amount > 0 AND days_past_due > 0),
revenue AS (
    SELECT CAST(coalesce(sum(amount), 0) AS DOUBLE) AS revenue
    FROM invoices
    WHERE invoice_date > $year_start AND invoice_date <= $as_of AND NOT coalesce(opening, false))
SELECT b.bracket,
       count(o.open_amount) FILTER (WHERE NOT o.disputed) AS invoices,
       CAST(coalesce(sum(o.open_amount) FILTER (WHERE NOT o.disputed), 0) AS DOUBLE) AS amount,
       count(o.open_amount) FILTER (WHERE o.disputed) AS disputed_invoices,
       CAST(coalesce(sum(o.open_amount) FILTER (WHERE o.disputed), 0) AS DOUBLE) AS disputed_amount,
       (SELECT revenue FROM revenue) AS revenue
FROM (SELECT unnest($names[2:]) AS bracket, generate_subscripts($names[2:], 1) AS k) AS b
LEFT JOIN overdue AS o USING (bracket)
GROUP BY b.bracket, b.k
ORDER BY b.k
