-- The clients on credit hold at $as_of and their outstanding then (DOMAIN.md §9: no new limit above
-- the current outstanding while a hold stands); $c: one client, NULL: every client. On hold = the
-- last hold event dated by $as_of (by date, then as recorded) puts the hold on, as dunning_holds.sql
-- reads it. $as_of NULL: as things stand, every event and every ledger row recorded counted.
-- The outstanding is scoring_limit_inputs.sql's: open amounts of invoices issued by then and not
-- written off by then, minus the client's unapplied cash.
WITH holds AS (
    SELECT client_id, on_hold, event_date
    FROM credit_holds
    WHERE ($as_of IS NULL OR event_date <= CAST($as_of AS DATE)) AND ($c IS NULL OR client_id = $c)
    QUALIFY row_number() OVER (PARTITION BY client_id ORDER BY event_date DESC, recorded_at DESC) = 1
),
held AS (
    SELECT client_id, event_date AS hold_date FROM holds WHERE on_hold
),
open_items AS (
    SELECT i.client_id,
           i.amount - coalesce(sum(p.amount) FILTER (WHERE $as_of IS NULL OR p.payment_date <= CAST($as_of AS DATE)), 0)
               AS open_amount
    FROM invoices AS i
    JOIN held USING (client_id)
    LEFT JOIN payments AS p ON p.invoice_id = i.invoice_id
    WHERE ($as_of IS NULL OR i.invoice_date <= CAST($as_of AS DATE))
      AND (i.write_off_date IS NULL OR ($as_of IS NOT NULL AND i.write_off_date > CAST($as_of AS DATE)))
    GROUP BY i.invoice_id, i.client_id, i.amount
),
balances AS (
    SELECT client_id, sum(open_amount) AS open_amount FROM open_items GROUP BY client_id
),
unapplied AS (
    SELECT p.client_id, sum(p.amount) AS cash
    FROM payments AS p
    JOIN held USING (client_id)
    WHERE p.invoice_id IS NULL AND ($as_of IS NULL OR p.payment_date <= CAST($as_of AS DATE))
    GROUP BY p.client_id
)
SELECT h.client_id, h.hold_date,
       (coalesce(b.open_amount, 0) - coalesce(u.cash, 0))::DOUBLE AS outstanding
FROM held AS h
LEFT JOIN balances AS b USING (client_id)
LEFT JOIN unapplied AS u USING (client_id)
ORDER BY h.client_id
