-- A client's unapplied cash at $as_of, payment by payment (DOMAIN.md §2: payments with no
-- invoice_id, the excess of an overpayment included), so that a letter's statement adds up.
SELECT payment_id, payment_date, CAST(amount AS DOUBLE) AS amount
FROM payments
WHERE client_id = $client_id AND invoice_id IS NULL AND payment_date <= $as_of
ORDER BY payment_date, payment_id
