-- Point-in-time scoring features (issue 5 §1), for the whole ledger in one pass.
--
-- An observation sees its client's history up to a reference day R, never later:
--   * $invoices: one row per invoice (positive, not an opening balance), R = invoice_date - 1,
--     i.e. what was known when the invoice was issued;
--   * $as_of not NULL: one row per scorable client, R = $as_of (a new invoice issued the day after).
-- Both in one call share the event pass; `obs_kind` tells the rows apart.
--
-- How: every quantity is a sum of dated events (issue, payment, due date passed, outcome known,
-- close, dispute, dunning). Events are keyed `client rank * 2^20 + day`, so one running sum G over
-- the whole ledger in key order (a streaming window: one sort, one linear pass, no per-client
-- partition) holds every client's history. Each observation adds probe rows at R, R - 90,
-- R - 365 and just before its client; a client's figure at R is G(R) - G(before the client).
-- Sums are of whole numbers (cents, counts) held in DOUBLE: exact below 2^53 (90 000 billion
-- euros of cents), fast, and a client's features never depend on other clients' rounding. No Python loop, no self join: O(n log n) for a million invoices.
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
           c.due_date - DATE '2000-01-01' AS due_day,
           (c.close_date IS NULL OR c.close_date > c.due_date) AS went_overdue
    FROM closed c JOIN paid p USING (invoice_id)
),
-- e: days from due date to close, early counted 0; NULL while never closed
dlate AS (
    SELECT ck, due_date, due_day, cents AS a,
           -- not greatest(close, due): it skips NULLs, and an open invoice must keep e NULL
           CASE WHEN close_date > due_date THEN close_date - due_date
                WHEN close_date IS NOT NULL THEN 0 END::INTEGER AS e
    FROM lived
),
events AS (
    -- issued: open from its date
    SELECT ck, invoice_date AS d, 1 AS open_n, cents AS open_amt
    FROM lived
    UNION ALL BY NAME
    -- closed: leaves the open and overdue balances; settled history for non-opening invoices
    SELECT ck, close_date AS d, -1 AS open_n, -rest_at_close AS open_amt,
           CASE WHEN went_overdue THEN -1 ELSE 0 END AS over_n,
           CASE WHEN went_overdue THEN -rest_at_close ELSE 0 END AS over_amt,
           CASE WHEN went_overdue THEN -rest_at_close * due_day ELSE 0 END AS over_due,
           CASE WHEN opening THEN 0 ELSE 1 END AS set_n,
           CASE WHEN opening THEN 0 ELSE cents END AS set_amt,
           CASE WHEN NOT opening AND days_late > 0 THEN 1 ELSE 0 END AS late_n,
           CASE WHEN opening THEN 0 ELSE cents * greatest(days_late, 0) END AS late_w
    FROM lived WHERE close_date IS NOT NULL
    UNION ALL BY NAME
    -- a payment before the close lowers the open balance, and the overdue one once past due
    SELECT l.ck, p.payment_date AS d, -(p.amount * 100)::BIGINT AS open_amt,
           CASE WHEN p.payment_date > l.due_date AND l.went_overdue THEN -(p.amount * 100)::BIGINT ELSE 0 END
               AS over_amt,
           CASE WHEN p.payment_date > l.due_date AND l.went_overdue THEN -(p.amount * 100)::BIGINT * l.due_day ELSE 0 END
               AS over_due
    FROM lived l JOIN pay p USING (invoice_id)
    WHERE l.close_date IS NULL OR p.payment_date < l.close_date
    UNION ALL BY NAME
    -- overdue from the day after the due date (DOMAIN.md §2: due_date < D)
    SELECT ck, due_date + 1 AS d, 1 AS over_n, rest_at_due AS over_amt, rest_at_due * due_day AS over_due
    FROM lived WHERE went_overdue
    UNION ALL BY NAME
    -- outcome known: late_days after the due date an invoice is either settled (on time for the
    -- target) or late; counted then, not when finally paid, so recent lateness shows at once
    SELECT ck, due_date + $late_days AS d, 1 AS known_n,
           CASE WHEN settle_date IS NULL OR settle_date > due_date + $late_days THEN 1 ELSE 0 END AS known_late
    FROM lived WHERE NOT opening
    UNION ALL BY NAME
    -- due-date windows, recent r = [due, due + 90) and year before y = [due + 90, due + 455):
    -- amount a, open part (a, a * due) read as a * (R - due), closed part a * e
    SELECT ck, due_date AS d, a AS r_amt,
           CASE WHEN e IS NULL OR e > 0 THEN a END AS r_lin, CASE WHEN e IS NULL OR e > 0 THEN a * due_day END AS r_lin_due
    FROM dlate
    UNION ALL BY NAME
    -- closed inside a window: the open part becomes the closed part
    SELECT ck, due_date + e AS d,
           CASE WHEN e < 90 THEN -a END AS r_lin, CASE WHEN e < 90 THEN -a * due_day END AS r_lin_due,
           CASE WHEN e < 90 THEN a * e END AS r_done,
           CASE WHEN e > 90 THEN -a END AS y_lin, CASE WHEN e > 90 THEN -a * due_day END AS y_lin_due,
           CASE WHEN e > 90 THEN a * e END AS y_done
    FROM dlate WHERE e > 0 AND e < 455 AND e <> 90
    UNION ALL BY NAME
    SELECT ck, due_date + 90 AS d, -a AS r_amt,
           CASE WHEN e IS NULL OR e >= 90 THEN -a END AS r_lin,
           CASE WHEN e IS NULL OR e >= 90 THEN -a * due_day END AS r_lin_due,
           CASE WHEN e < 90 THEN -a * e END AS r_done,
           a AS y_amt, CASE WHEN e IS NULL OR e > 90 THEN a END AS y_lin,
           CASE WHEN e IS NULL OR e > 90 THEN a * due_day END AS y_lin_due, CASE WHEN e <= 90 THEN a * e END AS y_done
    FROM dlate
    UNION ALL BY NAME
    SELECT ck, due_date + 455 AS d, -a AS y_amt,
           CASE WHEN e IS NULL OR e >= 455 THEN -a END AS y_lin,
           CASE WHEN e IS NULL OR e >= 455 THEN -a * due_day END AS y_lin_due,
           CASE WHEN e < 455 THEN -a * e END AS y_done
    FROM dlate
    UNION ALL BY NAME
    SELECT ck, due_date AS d, 1 AS disp_n FROM lived WHERE disputed
    UNION ALL BY NAME
    SELECT k.ck, a.action_date AS d, 1 AS dun_n FROM dunning_actions a JOIN keys k USING (client_id)
),
-- Oldest open overdue invoice at R: in due-date order, the first invoice still open after R is
-- the first one whose running maximum close date passes R. Keeping only the rows that raise the
-- running maximum makes that an ASOF lookup; it only asks "closed after R?", so later dates
-- never change the answer. (2999-12-31 stands for "never": it keeps the key inside its client.)
reach AS (
    SELECT ck, invoice_id, due_date, coalesce(close_date, DATE '2999-12-31') AS until,
           max(coalesce(close_date, DATE '2999-12-31')) OVER (
               PARTITION BY ck ORDER BY due_date, invoice_id
               ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING) AS before_max
    FROM lived
),
records AS (
    SELECT ck, due_date, ck + (until - DATE '1800-01-01') AS until_key
    FROM reach WHERE before_max IS NULL OR until > before_max
),
first_invoice AS (
    SELECT ck, min(invoice_date) AS first_date FROM lived GROUP BY ck
),
obs AS (
    SELECT 'invoice' AS obs_kind, invoice_id AS obs_id, client_id, ck, invoice_date - 1 AS ref_date, invoice_date AS issue_date,
           cents / 100.0 AS amount, due_date - invoice_date AS terms_days, invoice_date, due_date, settle_date
    FROM lived WHERE $invoices AND NOT opening
    UNION ALL
    SELECT 'client', c.client_id, c.client_id, k.ck, CAST($as_of AS DATE), CAST($as_of AS DATE) + 1,
           NULL, coalesce(c.payment_terms_days, $default_terms), NULL, NULL, NULL
    FROM clients c JOIN keys k USING (client_id)
    WHERE $as_of IS NOT NULL AND NOT coalesce(c.non_credit, false)
),
obs_k AS (
    SELECT *, row_number() OVER () AS obs_n FROM obs
),
-- Probes: for each observation, the keys where G is read (R, R - 90, R - 365).
probes AS (
    SELECT obs_n, 0 AS kind, ck + (ref_date - DATE '1800-01-01') AS key FROM obs_k
    UNION ALL SELECT obs_n, 1, ck + (ref_date - 90 - DATE '1800-01-01') FROM obs_k
    UNION ALL SELECT obs_n, 2, ck + (ref_date - 365 - DATE '1800-01-01') FROM obs_k
),
-- and one per client just before its first key: G there is what precedes the client
starts AS (
    SELECT ck, ck - 1 AS key FROM keys
),
-- G: running sums over events and probes in key order (events of a day before its probes), in one
-- streaming pass over the sorted input; a probe row holds G at its key.
g AS (
    SELECT obs_n, ck, kind, is_probe,
           sum(open_n) OVER w AS open_n, sum(open_amt) OVER w AS open_amt,
           sum(over_n) OVER w AS over_n, sum(over_amt) OVER w AS over_amt, sum(over_due) OVER w AS over_due,
           sum(set_n) OVER w AS set_n, sum(set_amt) OVER w AS set_amt,
           sum(late_n) OVER w AS late_n, sum(late_w) OVER w AS late_w,
           sum(known_n) OVER w AS known_n, sum(known_late) OVER w AS known_late,
           sum(disp_n) OVER w AS disp_n, sum(dun_n) OVER w AS dun_n,
           sum(r_amt) OVER w AS r_amt, sum(r_lin) OVER w AS r_lin, sum(r_lin_due) OVER w AS r_lin_due,
           sum(r_done) OVER w AS r_done, sum(y_amt) OVER w AS y_amt, sum(y_lin) OVER w AS y_lin,
           sum(y_lin_due) OVER w AS y_lin_due, sum(y_done) OVER w AS y_done
    FROM (
        SELECT * FROM (
            SELECT ck + (d - DATE '1800-01-01') AS key, false AS is_probe,
                   open_n::DOUBLE AS open_n, open_amt::DOUBLE AS open_amt, over_n::DOUBLE AS over_n,
                   over_amt::DOUBLE AS over_amt, over_due::DOUBLE AS over_due, set_n::DOUBLE AS set_n,
                   set_amt::DOUBLE AS set_amt, late_n::DOUBLE AS late_n, late_w::DOUBLE AS late_w,
                   known_n::DOUBLE AS known_n, known_late::DOUBLE AS known_late, disp_n::DOUBLE AS disp_n,
                   dun_n::DOUBLE AS dun_n, r_amt::DOUBLE AS r_amt, r_lin::DOUBLE AS r_lin,
                   r_lin_due::DOUBLE AS r_lin_due, r_done::DOUBLE AS r_done, y_amt::DOUBLE AS y_amt,
                   y_lin::DOUBLE AS y_lin, y_lin_due::DOUBLE AS y_lin_due, y_done::DOUBLE AS y_done
            FROM events WHERE d IS NOT NULL
            UNION ALL BY NAME
            SELECT obs_n, kind, key, true AS is_probe FROM probes
            UNION ALL BY NAME
            SELECT ck, 3 AS kind, key, true AS is_probe FROM starts
        ) ORDER BY key, is_probe
    )
    WINDOW w AS (ROWS UNBOUNDED PRECEDING)
),
probed AS (
    SELECT * FROM g WHERE is_probe
),
-- a client's figure = G at its date - G just before the client (both 0 when nothing precedes)
joined AS (
    SELECT o.obs_kind, o.obs_id, o.client_id, o.ref_date, o.issue_date, o.amount, o.terms_days, o.invoice_date, o.due_date,
           o.settle_date,
           coalesce(c.open_n, 0) - coalesce(s.open_n, 0) AS open_n,
           coalesce(c.open_amt, 0) - coalesce(s.open_amt, 0) AS open_amt,
           coalesce(c.over_n, 0) - coalesce(s.over_n, 0) AS over_n,
           coalesce(c.over_amt, 0) - coalesce(s.over_amt, 0) AS over_amt,
           coalesce(c.over_due, 0) - coalesce(s.over_due, 0) AS over_due,
           coalesce(c.set_n, 0) - coalesce(s.set_n, 0) AS set_n,
           coalesce(c.set_amt, 0) - coalesce(s.set_amt, 0) AS set_amt,
           coalesce(c.late_n, 0) - coalesce(s.late_n, 0) AS late_n,
           coalesce(c.late_w, 0) - coalesce(s.late_w, 0) AS late_w,
           coalesce(c.known_n, 0) - coalesce(s.known_n, 0) AS known_n,
           coalesce(c.known_late, 0) - coalesce(s.known_late, 0) AS known_late,
           coalesce(c.disp_n, 0) - coalesce(s.disp_n, 0) AS disp_n,
           coalesce(c.dun_n, 0) - coalesce(s.dun_n, 0) AS dun_n,
           coalesce(c.r_amt, 0) - coalesce(s.r_amt, 0) AS r_amt,
           coalesce(c.r_lin, 0) - coalesce(s.r_lin, 0) AS r_lin,
           coalesce(c.r_lin_due, 0) - coalesce(s.r_lin_due, 0) AS r_lin_due,
           coalesce(c.r_done, 0) - coalesce(s.r_done, 0) AS r_done,
           coalesce(c.y_amt, 0) - coalesce(s.y_amt, 0) AS y_amt,
           coalesce(c.y_lin, 0) - coalesce(s.y_lin, 0) AS y_lin,
           coalesce(c.y_lin_due, 0) - coalesce(s.y_lin_due, 0) AS y_lin_due,
           coalesce(c.y_done, 0) - coalesce(s.y_done, 0) AS y_done,
           coalesce(c3.set_amt, 0) - coalesce(s.set_amt, 0) AS set_amt_90,
           coalesce(c3.late_w, 0) - coalesce(s.late_w, 0) AS late_w_90,
           coalesce(c3.dun_n, 0) - coalesce(s.dun_n, 0) AS dun_n_90,
           coalesce(c3.known_n, 0) - coalesce(s.known_n, 0) AS known_n_90,
           coalesce(c3.known_late, 0) - coalesce(s.known_late, 0) AS known_late_90,
           coalesce(c12.set_amt, 0) - coalesce(s.set_amt, 0) AS set_amt_365,
           coalesce(c12.late_w, 0) - coalesce(s.late_w, 0) AS late_w_365,
           coalesce(c12.known_n, 0) - coalesce(s.known_n, 0) AS known_n_365,
           coalesce(c12.known_late, 0) - coalesce(s.known_late, 0) AS known_late_365,
           CASE WHEN r.ck = o.ck AND r.due_date < o.ref_date THEN o.ref_date - r.due_date ELSE 0 END AS max_dpd,
           CASE WHEN f.first_date <= o.ref_date THEN o.ref_date - f.first_date + 1 ELSE 0 END AS tenure_days
    FROM obs_k o
    JOIN probed c ON c.obs_n = o.obs_n AND c.kind = 0
    JOIN probed c3 ON c3.obs_n = o.obs_n AND c3.kind = 1
    JOIN probed c12 ON c12.obs_n = o.obs_n AND c12.kind = 2
    JOIN probed s ON s.ck = o.ck AND s.kind = 3
    -- keys are ordered by client, so no partition by client: a match in the next client means none in this one
    ASOF LEFT JOIN records r ON r.until_key > o.ck + (o.ref_date - DATE '1800-01-01')
    LEFT JOIN first_invoice f ON o.ck = f.ck
),
windows AS (
    SELECT *,
           -- amount-weighted days late over all history, the last 12 months, the last 3 months and
           -- the 9 before; a window without settlements falls back to the wider one
           CASE WHEN set_amt > 0 THEN late_w / set_amt ELSE 0 END AS avg_days_late,
           set_amt - set_amt_365 AS amt_12m, late_w - late_w_365 AS w_12m,
           set_amt - set_amt_90 AS amt_3m, late_w - late_w_90 AS w_3m,
           set_amt_90 - set_amt_365 AS amt_prior, late_w_90 - late_w_365 AS w_prior,
           CASE WHEN known_n > 0 THEN known_late / known_n ELSE 0 END AS late_rate,
           known_n - known_n_365 AS known_12m, known_late - known_late_365 AS late_12m,
           known_n - known_n_90 AS known_3m, known_late - known_late_90 AS late_3m,
           -- days late so far of the invoices due in each window: open part a * (R - due) + closed part
           (ref_date - DATE '2000-01-01') * r_lin - r_lin_due + r_done AS r_w,
           (ref_date - DATE '2000-01-01') * y_lin - y_lin_due + y_done AS y_w
    FROM joined
),
recent AS (
    SELECT *,
           CASE WHEN amt_12m > 0 THEN w_12m / amt_12m ELSE avg_days_late END AS days_late_12m,
           CASE WHEN known_12m > 0 THEN late_12m / known_12m ELSE late_rate END AS late_rate_12m,
           -- nothing due in the year before: the settled history stands in, so the trend reads 0
           CASE WHEN y_amt > 0 THEN y_w / y_amt ELSE avg_days_late END AS due_late_prior
    FROM windows
)
SELECT obs_kind, obs_id, client_id, ref_date, invoice_date, due_date, settle_date,
       set_n::DOUBLE AS n_settled, set_amt / 100.0 AS settled_amount,
       CASE WHEN set_n > 0 THEN late_n / set_n ELSE 0 END::DOUBLE AS share_late,
       avg_days_late::DOUBLE AS avg_days_late, days_late_12m::DOUBLE AS days_late_12m,
       CASE WHEN amt_3m > 0 THEN w_3m / amt_3m ELSE days_late_12m END::DOUBLE AS days_late_3m,
       CASE WHEN amt_prior > 0 THEN w_prior / amt_prior ELSE days_late_12m END::DOUBLE AS days_late_prior,
       open_n::DOUBLE AS n_open, greatest(open_amt, 0) / 100.0 AS open_amount,
       over_n::DOUBLE AS n_overdue, greatest(over_amt, 0) / 100.0 AS overdue_amount,
       max_dpd::DOUBLE AS max_dpd,
       -- amount-weighted days past due of the overdue balance: sum(open x (R - due)) / sum(open)
       CASE WHEN over_amt > 0 THEN greatest((ref_date - DATE '2000-01-01') - over_due / over_amt, 0) ELSE 0 END::DOUBLE
           AS avg_dpd,
       disp_n::DOUBLE AS n_disputes, dun_n::DOUBLE AS n_dunning, (dun_n - dun_n_90)::DOUBLE AS n_dunning_90d,
       tenure_days::DOUBLE AS tenure_days, terms_days::DOUBLE AS terms_days,
       CASE WHEN set_n > 0 AND amount IS NOT NULL THEN amount / (set_amt / 100.0 / set_n) ELSE 1 END::DOUBLE
           AS rel_amount,
       known_n::DOUBLE AS n_known, late_rate::DOUBLE AS late_rate, late_rate_12m::DOUBLE AS late_rate_12m,
       CASE WHEN known_3m > 0 THEN late_3m / known_3m ELSE late_rate_12m END::DOUBLE AS late_rate_3m,
       known_3m::DOUBLE AS n_known_3m, late_3m::DOUBLE AS n_late_3m,
       CASE WHEN known_n_90 > 0 THEN known_late_90 / known_n_90 ELSE late_rate END::DOUBLE AS late_rate_before_3m,
       due_late_prior::DOUBLE AS due_late_prior,
       CASE WHEN r_amt > 0 THEN r_w / r_amt ELSE due_late_prior END::DOUBLE AS due_late_3m,
       greatest(r_amt, 0) / 100.0 AS due_amount_3m,
       month(issue_date)::DOUBLE AS month
FROM recent
