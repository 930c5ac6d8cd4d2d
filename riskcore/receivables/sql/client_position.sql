-- Per-client position at $as_of (DOMAIN.md §2-4) in one pass over the ledger: every additive
-- figure the snapshot, the per-client table, breakdowns, late-payer segments, concentration and
-- provisions are built from. One row per client kept by the filters, also without any activity:
-- figures are worked out per client for every client and the filters applied by the last join
-- (cheaper than filtering each invoice first).
--   b0..b6: open amounts of invoices per aging bucket index (riskcore.kpi keeps as many as there are
--           buckets); a credit note (negative amount) is never aged (DOMAIN.md §2): what is left of it
--           is unapplied_credit (positive), deducted from the balance beside unapplied cash;
--   balance_prior: balance at $prior (= as_of - N days, for the CEI);
--   revenue_12m: S($year_start, $as_of], sales_dso: S($prior, $as_of], sales_window: S($window_start, $as_of];
--   settled_*: invoices settled in ($window_start, $as_of] (settle dates are <= $as_of): amount,
--              amount x days to pay, amount x days late;
--   recent_* / earlier_*: the same days late for ($recent_start, $as_of] and ($trend_start, $recent_start];
--   penalties / indemnities: L441-10 II and D441-5 on invoices paid late in the window or open overdue;
--   dunning_level: the highest level recorded by $as_of in the current dunning cycle (DOMAIN §9), not
--                  the last one (a reminder after a formal notice leaves the client at the notice); the
--                  cycle starts $lead_days (the earliest pre-due step of any scenario) before the earliest
--                  due date of the invoices open at $as_of, as riskcore.dunning.kpis.outstanding_by_step
--                  reads it; no open invoice, no cycle: NULL. last_dunning_date: the last action dated
--                  by $as_of, of any cycle.
WITH kept AS (
    SELECT client_id FROM filtered_clients($f_segment, $f_sector, $f_sales_rep, $f_region, $f_group_id)),
facts AS (
    SELECT f.client_id, f.amount, f.open_amount, f.open_prior, f.invoice_date, f.due_date, f.settle_date,
           f.days_past_due, f.disputed, f.due_date_assumed, f.opening,
           CASE WHEN f.open_amount <> 0 AND f.amount >= 0 THEN bucket_index(f.days_past_due, $edges) END AS bucket,
           -- amount x days only feed averages: DOUBLE is exact enough and much faster than DECIMAL(38)
           CAST(f.amount AS DOUBLE) AS weight,
           f.settle_date - f.invoice_date AS days_to_pay,
           greatest(f.settle_date - f.due_date, 0) AS days_late,
           penalty_base(f.open_amount, f.amount, f.settle_date, f.due_date, $as_of, $window_start) AS penalty_base
    -- $horizon, before every window: an invoice issued by then adds nothing unless it is open at
    -- $as_of or was paid after the horizon (which covers being open at $prior and settled in a window)
    FROM invoice_facts($as_of, $prior, horizon := $horizon) AS f),
sums AS (
    -- one aggregation for everything: a second pass over the facts costs more than the filters
    SELECT client_id,
           sum(open_amount) FILTER (WHERE bucket = 0) AS b0, sum(open_amount) FILTER (WHERE bucket = 1) AS b1,
           sum(open_amount) FILTER (WHERE bucket = 2) AS b2, sum(open_amount) FILTER (WHERE bucket = 3) AS b3,
           sum(open_amount) FILTER (WHERE bucket = 4) AS b4, sum(open_amount) FILTER (WHERE bucket = 5) AS b5,
           sum(open_amount) FILTER (WHERE bucket = 6) AS b6,
           count(bucket) AS open_invoices,
           -sum(open_amount) FILTER (WHERE amount < 0) AS unapplied_credit,
           sum(open_amount) FILTER (WHERE bucket IS NOT NULL AND disputed) AS disputed_amount,
           max(days_past_due) FILTER (WHERE open_amount > 0) AS max_days_past_due,
           bool_or(due_date_assumed) FILTER (WHERE bucket IS NOT NULL) AS assumed_terms,
           sum(open_prior) AS open_prior,
           sum(amount) FILTER (WHERE NOT opening AND invoice_date > $year_start) AS revenue_12m,
           sum(amount) FILTER (WHERE NOT opening AND invoice_date > $prior) AS sales_dso,
           sum(amount) FILTER (WHERE NOT opening AND invoice_date > $window_start) AS sales_window,
           sum(weight) FILTER (WHERE settle_date > $window_start) AS settled_amount,
           sum(weight * days_to_pay) FILTER (WHERE settle_date > $window_start) AS settled_days_to_pay,
           sum(weight * days_late) FILTER (WHERE settle_date > $window_start) AS settled_days_late,
           count(*) FILTER (WHERE settle_date > $window_start AND days_to_pay > $paid_over_days) AS paid_over_limit,
           sum(weight) FILTER (WHERE settle_date > $recent_start) AS recent_amount,
           sum(weight * days_late) FILTER (WHERE settle_date > $recent_start) AS recent_days_late,
           sum(weight) FILTER (WHERE settle_date > $trend_start AND settle_date <= $recent_start) AS earlier_amount,
           sum(weight * days_late) FILTER (WHERE settle_date > $trend_start AND settle_date <= $recent_start) AS earlier_days_late,
           sum(CASE WHEN penalty_base IS NOT NULL
                    THEN late_penalty(penalty_base, due_date, penalty_end(open_amount, settle_date, due_date, $as_of),
                                      $hy_base, $hy_cum, $hy_rate) END) AS penalties,
           count(penalty_base) AS indemnities
    FROM facts
    GROUP BY client_id),
per_client AS (
    -- the open and overdue amounts as sums of buckets: two aggregates fewer over every fact
    SELECT *,
           coalesce(b0, 0) + coalesce(b1, 0) + coalesce(b2, 0) + coalesce(b3, 0) + coalesce(b4, 0) + coalesce(b5, 0)
               + coalesce(b6, 0) - coalesce(unapplied_credit, 0) AS open_amount,
           coalesce(b1, 0) + coalesce(b2, 0) + coalesce(b3, 0) + coalesce(b4, 0) + coalesce(b5, 0) + coalesce(b6, 0)
               AS overdue,
           -- the earliest open due date is $as_of - max_days_past_due (the same open invoices): no
           -- aggregate more. Those due after $as_of + $lead_days start their cycle after $as_of, when
           -- no action dated by $as_of counts, as if they were left out as the worklist leaves them out
           CAST($as_of AS DATE) - CAST(max_days_past_due + $lead_days AS INTEGER) AS cycle_start
    FROM sums),
cash AS (
    SELECT client_id, now.unapplied, before.unapplied AS unapplied_prior
    FROM unapplied_cash($as_of) AS now
    LEFT JOIN unapplied_cash($prior) AS before USING (client_id)),
written_off AS (
    SELECT invoice_id, client_id, amount, write_off_date, paid, last_payment
    FROM invoice_paid
    WHERE write_off_date > $window_start AND write_off_date <= $as_of AND invoice_date <= write_off_date),
losses AS (
    -- the open amount at the write-off date: payments dated on or before it are deducted, all of
    -- them (invoice_paid's total) unless one is dated after it, which spares reading every payment
    SELECT w.client_id,
           sum(w.amount - coalesce(CASE WHEN w.last_payment > w.write_off_date THEN p.paid ELSE w.paid END, 0))
               AS written_off
    FROM written_off AS w
    LEFT JOIN (SELECT p.invoice_id, sum(p.amount) AS paid
               FROM payments AS p JOIN written_off AS w USING (invoice_id)
               WHERE w.last_payment > w.write_off_date AND p.payment_date <= w.write_off_date
               GROUP BY p.invoice_id) AS p USING (invoice_id)
    GROUP BY w.client_id),
dunning AS (
    -- the last date of each level 1-5 (riskcore.dunning.scenario.ACTION_LEVELS; a credit hold has none),
    -- the highest one on or after cycle_start taken in the last SELECT: joining the actions to the
    -- cycle start here instead would wait for `sums` and cost a tenth of the query
    SELECT client_id,
           max(action_date) AS last_dunning_date,
           max(action_date) FILTER (WHERE level = 1) AS level_1, max(action_date) FILTER (WHERE level = 2) AS level_2,
           max(action_date) FILTER (WHERE level = 3) AS level_3, max(action_date) FILTER (WHERE level = 4) AS level_4,
           max(action_date) FILTER (WHERE level = 5) AS level_5,
           bool_or(action_date > $coverage_start) AS dunned_recently
    FROM dunning_actions
    WHERE action_date <= $as_of
    GROUP BY client_id)
SELECT c.client_id, c.name, c.sector, c.segment, c.sales_rep, c.region, c.group_id, c.status,
       coalesce(c.non_credit, false) AS non_credit, coalesce(c.doubtful, false) AS doubtful,
       CAST(c.credit_limit AS DOUBLE) AS credit_limit, CAST(c.insured_limit AS DOUBLE) AS insured_limit,
       CAST(coalesce(pc.open_amount, 0) - coalesce(cash.unapplied, 0) AS DOUBLE) AS balance,
       CAST(coalesce(pc.open_amount, 0) AS DOUBLE) AS open_amount,
       coalesce(pc.open_invoices, 0) AS open_invoices,
       CAST(coalesce(cash.unapplied, 0) AS DOUBLE) AS unapplied,
       CAST(coalesce(pc.unapplied_credit, 0) AS DOUBLE) AS unapplied_credit,
       CAST(coalesce(pc.b0, 0) AS DOUBLE) AS b0, CAST(coalesce(pc.b1, 0) AS DOUBLE) AS b1,
       CAST(coalesce(pc.b2, 0) AS DOUBLE) AS b2, CAST(coalesce(pc.b3, 0) AS DOUBLE) AS b3,
       CAST(coalesce(pc.b4, 0) AS DOUBLE) AS b4, CAST(coalesce(pc.b5, 0) AS DOUBLE) AS b5,
       CAST(coalesce(pc.b6, 0) AS DOUBLE) AS b6,
       CAST(coalesce(pc.overdue, 0) AS DOUBLE) AS overdue,
       pc.max_days_past_due,
       CAST(coalesce(pc.disputed_amount, 0) AS DOUBLE) AS disputed_amount,
       coalesce(pc.assumed_terms, false) AS assumed_terms,
       CAST(coalesce(pc.open_prior, 0) - coalesce(cash.unapplied_prior, 0) AS DOUBLE) AS balance_prior,
       CAST(coalesce(pc.revenue_12m, 0) AS DOUBLE) AS revenue_12m,
       CAST(coalesce(pc.sales_dso, 0) AS DOUBLE) AS sales_dso,
       CAST(coalesce(pc.sales_window, 0) AS DOUBLE) AS sales_window,
       CAST(coalesce(pc.settled_amount, 0) AS DOUBLE) AS settled_amount,
       CAST(coalesce(pc.settled_days_to_pay, 0) AS DOUBLE) AS settled_days_to_pay,
       CAST(coalesce(pc.settled_days_late, 0) AS DOUBLE) AS settled_days_late,
       coalesce(pc.paid_over_limit, 0) AS paid_over_limit,
       CAST(coalesce(pc.recent_amount, 0) AS DOUBLE) AS recent_amount,
       CAST(coalesce(pc.recent_days_late, 0) AS DOUBLE) AS recent_days_late,
       CAST(coalesce(pc.earlier_amount, 0) AS DOUBLE) AS earlier_amount,
       CAST(coalesce(pc.earlier_days_late, 0) AS DOUBLE) AS earlier_days_late,
       coalesce(pc.penalties, 0) AS penalties,
       coalesce(pc.indemnities, 0) AS indemnities,
       CAST(coalesce(losses.written_off, 0) AS DOUBLE) AS written_off,
       dunning.last_dunning_date,
       CASE WHEN dunning.level_5 >= pc.cycle_start THEN 5 WHEN dunning.level_4 >= pc.cycle_start THEN 4
            WHEN dunning.level_3 >= pc.cycle_start THEN 3 WHEN dunning.level_2 >= pc.cycle_start THEN 2
            WHEN dunning.level_1 >= pc.cycle_start THEN 1 END AS dunning_level,
       coalesce(dunning.dunned_recently, false) AS dunned_recently
FROM clients AS c
JOIN kept USING (client_id)
LEFT JOIN per_client AS pc USING (client_id)
LEFT JOIN cash USING (client_id)
LEFT JOIN losses USING (client_id)
LEFT JOIN dunning USING (client_id)
ORDER BY c.client_id
