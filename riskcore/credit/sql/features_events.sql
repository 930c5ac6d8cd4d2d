-- Point-in-time features, step 3 (see features_lived.sql): every dated event of the ledger as
-- (key = client rank * 2^20 + day, whole-number amounts), unsorted; NULL means 0. The payment
-- branch reads payments directly: only their date and amount count, the invoice is in feature_lived.
WITH
keys AS (
    SELECT client_id, row_number() OVER (ORDER BY client_id) * 1048576 AS ck FROM clients
),
-- e: days from due date to close, early counted 0; NULL while never closed
dlate AS (
    SELECT ck, due_date, due_day, cents AS a,
           -- not greatest(close, due): it skips NULLs, and an open invoice must keep e NULL
           CASE WHEN close_date > due_date THEN close_date - due_date
                WHEN close_date IS NOT NULL THEN 0 END::INTEGER AS e
    FROM feature_lived
),
events AS (
    -- issued: open from its date
    SELECT ck, invoice_date AS d, 1 AS open_n, cents AS open_amt
    FROM feature_lived
    UNION ALL BY NAME
    -- closed: leaves the open and overdue balances; settled history for non-opening invoices
    SELECT ck, close_date AS d, -1 AS open_n, -rest_at_close AS open_amt,
           CASE WHEN went_overdue THEN -1 ELSE 0 END AS over_n,
           CASE WHEN went_overdue THEN -rest_at_close ELSE 0 END AS over_amt,
           CASE WHEN went_overdue THEN -rest_at_close * due_day ELSE 0 END AS over_due,
           CASE WHEN opening THEN 0 ELSE 1 END AS set_n,
           CASE WHEN opening THEN 0 ELSE cents END AS set_amt,
           CASE WHEN NOT opening AND days_late > 0 THEN 1 ELSE 0 END AS late_n,
           CASE WHEN opening THEN 0 ELSE cents * greatest(days_late, 0) END AS late_w,
           CASE WHEN written_off AND NOT opening THEN 1 ELSE 0 END AS wo_n
    FROM feature_lived WHERE close_date IS NOT NULL
    UNION ALL BY NAME
    -- a payment before the close lowers the open balance, and the overdue one once past due
    SELECT l.ck, p.payment_date AS d, -(p.amount * 100)::BIGINT AS open_amt,
           CASE WHEN p.payment_date > l.due_date AND l.went_overdue THEN -(p.amount * 100)::BIGINT ELSE 0 END
               AS over_amt,
           CASE WHEN p.payment_date > l.due_date AND l.went_overdue THEN -(p.amount * 100)::BIGINT * l.due_day ELSE 0 END
               AS over_due
    FROM feature_lived l JOIN payments p USING (invoice_id)
    WHERE l.close_date IS NULL OR p.payment_date < l.close_date
    UNION ALL BY NAME
    -- overdue from the day after the due date (DOMAIN.md §2: due_date < D)
    SELECT ck, due_date + 1 AS d, 1 AS over_n, rest_at_due AS over_amt, rest_at_due * due_day AS over_due
    FROM feature_lived WHERE went_overdue
    UNION ALL BY NAME
    -- outcome known: late_days after the due date an invoice is either settled (on time for the
    -- target) or late; counted then, not when finally paid, so recent lateness shows at once
    SELECT ck, due_date + $late_days AS d, 1 AS known_n,
           CASE WHEN settle_date IS NULL OR settle_date > due_date + $late_days THEN 1 ELSE 0 END AS known_late
    FROM feature_lived WHERE NOT opening
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
    SELECT ck, due_date AS d, 1 AS disp_n FROM feature_lived WHERE disputed
    UNION ALL BY NAME
    SELECT k.ck, a.action_date AS d, 1 AS dun_n FROM dunning_actions a JOIN keys k USING (client_id)
)
SELECT ck + (d - DATE '1800-01-01') AS key,
       open_n::BIGINT AS open_n,
       open_amt::BIGINT AS open_amt,
       over_n::BIGINT AS over_n,
       over_amt::BIGINT AS over_amt,
       over_due::BIGINT AS over_due,
       set_n::BIGINT AS set_n,
       set_amt::BIGINT AS set_amt,
       late_n::BIGINT AS late_n,
       late_w::BIGINT AS late_w,
       wo_n::BIGINT AS wo_n,
       known_n::BIGINT AS known_n,
       known_late::BIGINT AS known_late,
       disp_n::BIGINT AS disp_n,
       dun_n::BIGINT AS dun_n,
       r_amt::BIGINT AS r_amt,
       r_lin::BIGINT AS r_lin,
       r_lin_due::BIGINT AS r_lin_due,
       r_done::BIGINT AS r_done,
       y_amt::BIGINT AS y_amt,
       y_lin::BIGINT AS y_lin,
       y_lin_due::BIGINT AS y_lin_due,
       y_done::BIGINT AS y_done
FROM events WHERE d IS NOT NULL
