-- The unapplied cash at $as_of of each client of $client_ids, payment by payment (DOMAIN.md §2:
-- payments with no invoice_id, the excess of an overpayment included), so that a letter's statement adds up.
SELECT client_id, payment_id, payment_date, CAST(amount AS DOUBLE) AS amount
FROM payments
WHERE client_id IN (SELECT unnest($client_ids)) AND invoice_id IS NULL AND payment_date <= $as_of
ORDER BY client_id, payment_date, payment_id
