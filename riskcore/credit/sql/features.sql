-- Point-in-time features, step 4 (see features_lived.sql): each observation's figures from the
-- sums of its client's events up to R, R - 90 and R - 365 (feature_sums, one row per obs_n:
-- <sum> at R, <sum>_90 and <sum>_365 at the earlier days).
WITH
joined AS (
    SELECT * FROM feature_obs JOIN feature_sums USING (obs_n)
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
SELECT obs_n, obs_kind, obs_id, client_id, ref_date, invoice_date, due_date, settle_date,
       set_n::DOUBLE AS n_settled, set_amt / 100.0 AS settled_amount,
       -- of the settled invoices, those closed by a write-off (their days late run to that date)
       wo_n::DOUBLE AS n_written_off, (wo_n - wo_n_365)::DOUBLE AS n_written_off_12m,
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
       -- what the windows above hold, so that a reason never words a fallback as a fact of the window
       greatest(y_amt, 0) / 100.0 AS due_amount_prior,
       greatest(amt_12m, 0) / 100.0 AS settled_amount_12m,
       greatest(amt_3m, 0) / 100.0 AS settled_amount_3m,
       month(issue_date)::DOUBLE AS month
FROM recent
