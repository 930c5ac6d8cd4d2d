-- Point-in-time scoring features (issue 5 §1), for the whole ledger in one pass: step 1 of 4.
--
-- An observation sees its client's history up to a reference day R, never later:
--   * $invoices: one row per invoice (positive, not an opening balance), R = invoice_date - 1,
--     i.e. what was known when the invoice was issued;
--   * $as_of not NULL: one row per scorable client, R = $as_of (a new invoice issued the day after).
-- Both in one call share the event pass; `obs_kind` tells the rows apart.
--
-- How: every quantity is a sum of dated events (issue, payment, due date passed, outcome known,
-- close, dispute, dunning). Events are keyed `client rank * 2^20 + day`, so one running sum G over
-- the whole ledger in key order (no per-client partition) holds every client's history. Each
-- observation reads G at R, R - 90, R - 365 and just before its client; a client's figure at R is
-- G(R) - G(before the client). G is only needed at those probe keys: riskcore/credit/features.py puts
-- each event in the bucket of the first probe at or after its key and adds up the buckets (numpy,
-- one unsorted pass over the events; sorting ~10 events per invoice was most of the time). Sums are
-- of whole numbers (cents, counts) in int64: exact, and a client's features never depend on other
-- clients' rounding. No Python loop, no self join: O(n log n) for a million invoices.
--
-- Lateness by due date, open items included: for the invoices due in the 90 days up to R (and
-- in the 365 days before those), amount-weighted days late so far, where an invoice closed by R
-- counts close - due and one still open counts R - due (a lower bound). So a punctual client
-- whose recent invoices pile up unpaid shows at once, not only when they are finally paid. As a
-- function of R, an invoice's term is a(R - due) while open and a * e (e = days late at close)
-- once closed, inside a window [due + lo, due + hi): every piece is an interval of R, hence
-- events (opening, switching at the close, closing) of the same running sums, each dated when
-- what it says is known (a switch at the close date; at due + hi, only "closed before?").
--
-- An invoice closes (DOMAIN.md §2) on the date of the payment that brings its open amount to
-- <= 0, or on its write-off date, whichever comes first. Disputes carry no date in the ledger:
-- a disputed invoice counts from its due date on (a dispute is what stops payment at the due
-- date), so the flag is never read before then.
--
-- The steps (riskcore/credit/features.py runs them on one cursor, temp tables dropped after):
--   1. features_lived: each invoice's life (due, settle and close dates, open rest) -> feature_lived;
--   2. features_obs: the observations, their probe keys, oldest overdue and tenure -> feature_obs;
--   3. features_events: the dated events, unsorted; numpy sums them at the probe keys
--      (riskcore/credit/features.py: one pass over the events, no sort of them) -> feature_sums;
--   4. features: the figures of each observation from those sums.
CREATE OR REPLACE TEMP TABLE feature_lived AS
WITH
keys AS (
    SELECT client_id, row_number() OVER (ORDER BY client_id) * 1048576 AS ck FROM clients
),
inv AS (
    SELECT i.invoice_id, i.client_id, k.ck, i.invoice_date, i.amount,
           greatest(coalesce(i.due_date, i.invoice_date + coalesce(c.payment_terms_days, $default_terms)),
                    i.invoice_date) AS due_date,
           coalesce(i.disputed, false) AS disputed, i.write_off_date, coalesce(i.opening, false) AS opening
    FROM invoices i JOIN clients c USING (client_id) JOIN keys k USING (client_id)
    WHERE i.amount > 0 AND NOT coalesce(c.non_credit, false)
),
pay AS (
    SELECT p.invoice_id, p.payment_date, p.amount,
           sum(p.amount) OVER (PARTITION BY p.invoice_id ORDER BY p.payment_date, p.payment_id
                               ROWS UNBOUNDED PRECEDING) AS paid_to_date
    FROM payments p SEMI JOIN inv USING (invoice_id)
),
settled AS (
    SELECT p.invoice_id, min(p.payment_date) AS settle_date
    FROM pay p JOIN inv USING (invoice_id)
    WHERE p.paid_to_date >= inv.amount
    GROUP BY p.invoice_id
),
closed AS (
    SELECT inv.*, s.settle_date, least(s.settle_date, inv.write_off_date) AS close_date
    FROM inv LEFT JOIN settled s USING (invoice_id)
),
-- Per invoice, in cents: still open at its close (removed then) and after its due date.
paid AS (
    SELECT c.invoice_id,
           ((c.amount - coalesce(sum(p.amount) FILTER (WHERE c.close_date IS NULL OR p.payment_date < c.close_date), 0))
               * 100)::BIGINT AS rest_at_close,
           ((c.amount - coalesce(sum(p.amount) FILTER (WHERE p.payment_date <= c.due_date), 0)) * 100)::BIGINT
               AS rest_at_due
    FROM closed c LEFT JOIN pay p USING (invoice_id)
    GROUP BY c.invoice_id, c.amount
),
lived AS (
    SELECT c.invoice_id, c.client_id, c.ck, c.invoice_date, c.due_date, c.settle_date, c.close_date, c.opening,
           c.disputed, (c.amount * 100)::BIGINT AS cents, p.rest_at_close, p.rest_at_due,
           c.close_date - c.due_date AS days_late,
           -- closed by its write-off, not by a payment (a payment on the same day counts as paid)
           coalesce(c.write_off_date < c.settle_date OR (c.settle_date IS NULL AND c.write_off_date IS NOT NULL), false)
               AS written_off,
           c.due_date - DATE '2000-01-01' AS due_day,
           (c.close_date IS NULL OR c.close_date > c.due_date) AS went_overdue
    FROM closed c JOIN paid p USING (invoice_id)
)
SELECT * FROM lived
