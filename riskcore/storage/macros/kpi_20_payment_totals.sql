-- Cash allocated to an invoice (payments with an invoice_id; a credit note applied to an invoice
-- is a +x row on the invoice and a -x row on the credit note): what was paid by as_of, by an
-- earlier date prior, and the date of the last allocation dated by as_of.
-- Only for the invoices issued by as_of with a payment dated after it, which a date in the past has:
-- invoice_facts works out the others from the totals in invoice_paid (riskcore.store). At the
-- last date of the ledger there is none, and the IN below then leaves the payments unread.
CREATE OR REPLACE MACRO payment_totals_paid_later(as_of, prior) AS TABLE
SELECT invoice_id,
       sum(amount) AS paid,
       coalesce(sum(amount) FILTER (WHERE payment_date <= prior), 0) AS paid_prior,
       max(payment_date) AS last_payment
FROM payments
WHERE invoice_id IN (SELECT invoice_id FROM invoice_paid WHERE last_payment > as_of AND invoice_date <= as_of)
  AND payment_date <= as_of
GROUP BY invoice_id;
