-- Cash allocated to each invoice (payments with an invoice_id; a credit note applied to an
-- invoice is a +x row on the invoice and a -x row on the credit note): what was paid by as_of,
-- by an earlier date prior, and the date of the last allocation dated by as_of.
CREATE OR REPLACE MACRO payment_totals(as_of, prior) AS TABLE
SELECT invoice_id,
       sum(amount) AS paid,
       coalesce(sum(amount) FILTER (WHERE payment_date <= prior), 0) AS paid_prior,
       max(payment_date) AS last_payment
FROM payments
WHERE invoice_id IS NOT NULL AND payment_date <= as_of
GROUP BY invoice_id;
