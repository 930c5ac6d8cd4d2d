-- Every invoice and credit note issued by as_of, reconstructed from dates (DOMAIN.md §2-3):
--   open_amount: amount - payments dated <= as_of, NULL once written off (write_off_date <= as_of);
--   open_prior:  the same at the earlier date prior (NULL when not yet issued or written off then);
--   settle_date: for an invoice (amount > 0) whose payments dated <= as_of cover its amount, the
--                date of the last of them (the payment that settled it); NULL while unpaid or when
--                written off first. Only dates <= as_of are looked at, so a figure at D never moves
--                when later payments arrive;
--   paid, last_payment: payments dated <= as_of, and the date of the last one;
--   disputed, dispute_reason: the ledger's, unless a dispute event recorded by as_of says otherwise.
-- The invoices are read from invoice_paid (riskcore.store): each invoice row with paid and
-- last_payment over all its payments, kept up to date by every write. Three sets, split by the date
-- of the last payment whatever the order of as_of and prior, so that at the last date of the ledger
-- only the payments dated after prior are read again (aggregating every payment on every call was
-- most of the time of a snapshot). horizon (optional): see the WHERE clauses.
CREATE OR REPLACE MACRO invoice_facts(as_of, prior, horizon := NULL) AS TABLE
WITH totals AS (
    -- nothing paid after as_of or prior: the totals are the figures at both dates
    SELECT i.*, i.paid AS paid_prior
    FROM invoice_paid AS i
    WHERE i.invoice_date <= as_of
      AND (i.last_payment IS NULL OR (i.last_payment <= as_of AND i.last_payment <= prior))
      -- with a horizon, an invoice issued by then is left out unless it is open at as_of (paid <>
      -- amount) or was paid after the horizon: this filter runs before the columns below are worked out
      AND (horizon IS NULL OR i.invoice_date > horizon OR i.last_payment > horizon OR coalesce(i.paid, 0) <> i.amount)
    UNION ALL BY NAME
    -- paid after prior, nothing after as_of: at prior, less what was paid after it
    SELECT i.*, i.paid - later.paid AS paid_prior
    FROM invoice_paid AS i
    JOIN (SELECT invoice_id, sum(amount) AS paid
          FROM payments
          WHERE payment_date > prior AND payment_date <= as_of AND invoice_id IS NOT NULL
          GROUP BY invoice_id) AS later USING (invoice_id)
    WHERE i.invoice_date <= as_of
      AND i.last_payment > prior AND i.last_payment <= as_of
      AND (horizon IS NULL OR i.invoice_date > horizon OR i.last_payment > horizon OR coalesce(i.paid, 0) <> i.amount)
    UNION ALL BY NAME
    -- paid after as_of (a date in the past): the payments dated by as_of, aggregated again
    SELECT i.* EXCLUDE (paid, last_payment), p.paid, p.last_payment, p.paid_prior
    FROM invoice_paid AS i
    LEFT JOIN payment_totals_paid_later(as_of, prior) AS p USING (invoice_id)
    WHERE i.invoice_date <= as_of
      AND i.last_payment > as_of
      AND (horizon IS NULL OR i.invoice_date > horizon OR p.last_payment > horizon OR coalesce(p.paid, 0) <> i.amount))
SELECT i.invoice_id, i.client_id, i.invoice_date, i.due_date,
       coalesce(i.due_date_assumed, false) AS due_date_assumed,
       i.amount,
       coalesce(d.opened, i.disputed, false) AS disputed,
       CASE WHEN d.opened THEN d.reason WHEN d.opened IS NULL THEN i.dispute_reason END AS dispute_reason,
       i.write_off_date,
       coalesce(i.opening, false) AS opening,
       CASE WHEN i.write_off_date IS NULL OR i.write_off_date > as_of
            THEN i.amount - coalesce(i.paid, 0) END AS open_amount,
       CASE WHEN i.invoice_date <= prior AND (i.write_off_date IS NULL OR i.write_off_date > prior)
            THEN i.amount - coalesce(i.paid_prior, 0) END AS open_prior,
       CASE WHEN i.amount > 0 AND i.paid >= i.amount
                 AND (i.write_off_date IS NULL OR i.write_off_date > i.last_payment)
            THEN i.last_payment END AS settle_date,
       as_of - i.due_date AS days_past_due,
       coalesce(i.paid, 0) AS paid,
       i.last_payment
FROM totals AS i
-- disputes recorded in Encours (dispute_events) override the ledger's flag from their date on
LEFT JOIN (SELECT invoice_id, opened, reason
           FROM dispute_events
           WHERE event_date <= as_of
           QUALIFY row_number() OVER (PARTITION BY invoice_id ORDER BY event_date DESC, recorded_at DESC) = 1) AS d
       USING (invoice_id);
