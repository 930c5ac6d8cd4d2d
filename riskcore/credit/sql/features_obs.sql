-- Point-in-time features, step 2 (see features_lived.sql): one row per observation with its
-- reference day R, the keys where the running sums G are read (R, R - 90, R - 365, just before its
-- client: a client's figure at R is G(R) - G(before the client)), the days past due of its oldest
-- open invoice and its tenure.
CREATE OR REPLACE TEMP TABLE feature_obs AS
WITH
keys AS (
    SELECT client_id, row_number() OVER (ORDER BY client_id) * 1048576 AS ck FROM clients
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
    FROM feature_lived
),
records AS (
    SELECT ck, due_date, ck + (until - DATE '1800-01-01') AS until_key
    FROM reach WHERE before_max IS NULL OR until > before_max
),
first_invoice AS (
    SELECT ck, min(invoice_date) AS first_date FROM feature_lived GROUP BY ck
),
obs AS (
    SELECT 'invoice' AS obs_kind, invoice_id AS obs_id, client_id, ck, invoice_date - 1 AS ref_date, invoice_date AS issue_date,
           cents / 100.0 AS amount, due_date - invoice_date AS terms_days, invoice_date, due_date, settle_date
    FROM feature_lived WHERE $invoices AND NOT opening
    UNION ALL
    SELECT 'client', c.client_id, c.client_id, k.ck, CAST($as_of AS DATE), CAST($as_of AS DATE) + 1,
           NULL, coalesce(c.payment_terms_days, $default_terms), NULL, NULL, NULL
    FROM clients c JOIN keys k USING (client_id)
    WHERE $as_of IS NOT NULL AND NOT coalesce(c.non_credit, false)
),
obs_k AS (
    -- numbered in the order riskcore.credit.features returns them (clients, then invoices by date and id):
    -- pandas then sorts by this number: the split and sort take 1.1 s at 1 M invoices, 2.3 s by date and id
    SELECT *, row_number() OVER (ORDER BY obs_kind, invoice_date, obs_id) AS obs_n FROM obs
)
SELECT o.*,
       o.ck + (o.ref_date - DATE '1800-01-01') AS key_0,
       o.ck + (o.ref_date - 90 - DATE '1800-01-01') AS key_90,
       o.ck + (o.ref_date - 365 - DATE '1800-01-01') AS key_365,
       o.ck - 1 AS key_start,
       CASE WHEN r.ck = o.ck AND r.due_date < o.ref_date THEN o.ref_date - r.due_date ELSE 0 END AS max_dpd,
       CASE WHEN f.first_date <= o.ref_date THEN o.ref_date - f.first_date + 1 ELSE 0 END AS tenure_days
FROM obs_k o
-- keys are ordered by client, so no partition by client: a match in the next client means none in this one
ASOF LEFT JOIN records r ON r.until_key > o.ck + (o.ref_date - DATE '1800-01-01')
LEFT JOIN first_invoice f ON o.ck = f.ck
