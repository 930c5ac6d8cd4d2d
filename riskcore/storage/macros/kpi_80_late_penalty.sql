-- Statutory late-payment penalties (Code de commerce L441-10 II), from rate tables built in Python
-- (riskcore.legal.rate_table): rates[k] is the penalty rate of half-year k (1 = H1 of base_year),
-- cum[k] the rate-days accrued before it. rate_days(d) = sum of rate(x) / 365 over the days x up to
-- d, so a penalty running from the day after the due date to end_day is split at half-year
-- boundaries exactly: base x (rate_days(end_day) - rate_days(due_date)).
CREATE OR REPLACE MACRO rate_days(d, base_year, cum, rates) AS
    CASE WHEN d < make_date(base_year, 1, 1) THEN 0.0
         ELSE cum[(year(d) - base_year) * 2 + CASE WHEN month(d) > 6 THEN 2 ELSE 1 END]
              + (d - make_date(year(d), CASE WHEN month(d) > 6 THEN 7 ELSE 1 END, 1) + 1)
                * rates[(year(d) - base_year) * 2 + CASE WHEN month(d) > 6 THEN 2 ELSE 1 END] / 365.0 END;

CREATE OR REPLACE MACRO late_penalty(base, due_date, end_day, base_year, cum, rates) AS
    CAST(base AS DOUBLE) * (rate_days(end_day, base_year, cum, rates) - rate_days(due_date, base_year, cum, rates));

-- The amount bearing penalties at as_of: the open amount of an invoice overdue at as_of, or the
-- amount of an invoice settled after its due date within (window_start, as_of]; NULL otherwise.
CREATE OR REPLACE MACRO penalty_base(open_amount, amount, settle_date, due_date, as_of, window_start) AS
    CASE WHEN open_amount > 0 AND due_date < as_of THEN open_amount
         WHEN settle_date > window_start AND settle_date <= as_of AND settle_date > due_date THEN amount END;

-- The last day penalties run to: as_of for an open invoice, else its settle date.
CREATE OR REPLACE MACRO penalty_end(open_amount, settle_date, due_date, as_of) AS
    CASE WHEN open_amount > 0 AND due_date < as_of THEN as_of ELSE settle_date END;
