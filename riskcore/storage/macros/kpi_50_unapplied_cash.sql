-- Unapplied cash per client at as_of: payments with no invoice_id dated <= as_of (DOMAIN.md §2).
CREATE OR REPLACE MACRO unapplied_cash(as_of) AS TABLE
SELECT client_id, sum(amount) AS unapplied
FROM payments
WHERE invoice_id IS NULL AND payment_date <= as_of
GROUP BY client_id;
