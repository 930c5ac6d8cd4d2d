-- A client's balance at as_of (DOMAIN.md §4): its open amounts minus its unapplied cash.
CREATE OR REPLACE MACRO client_balance(as_of) AS TABLE
WITH items AS (
    SELECT client_id, sum(open_amount) AS open_amount
    FROM invoice_facts(as_of, as_of)
    WHERE open_amount <> 0
    GROUP BY client_id)
SELECT client_id,
       coalesce(items.open_amount, 0) AS open_amount,
       coalesce(cash.unapplied, 0) AS unapplied,
       coalesce(items.open_amount, 0) - coalesce(cash.unapplied, 0) AS balance
FROM items FULL OUTER JOIN unapplied_cash(as_of) AS cash USING (client_id);
