-- Payment terms above the caps of Code de commerce L441-10 I at $as_of: a client whose agreed terms
-- exceed $max_days days (or $max_eom_days days end of month), or whose invoices issued in
-- ($window_start, $as_of] carry a due date later than every legal computation allows: invoice date
-- + $max_days, (invoice date + $max_eom_days) then end of month, end of month then + $max_eom_days.
-- Due dates assumed from the terms (FEC) are left out: the client's terms are checked instead.
WITH kept AS (
    SELECT client_id FROM filtered_clients($f_segment, $f_sector, $f_sales_rep, $f_region, $f_group_id)),
issued AS (
    SELECT client_id,
           max(due_date - invoice_date) AS max_invoice_terms_days,
           count(*) FILTER (WHERE due_date > greatest(invoice_date + $max_days,
                                                      last_day(invoice_date + $max_eom_days),
                                                      last_day(invoice_date) + $max_eom_days)) AS invoices_over_cap
    FROM invoices
    WHERE invoice_date > $window_start AND invoice_date <= $as_of AND amount > 0
      AND due_date IS NOT NULL AND NOT coalesce(due_date_assumed, false)
      AND client_id IN (SELECT client_id FROM kept)
    GROUP BY client_id)
SELECT c.client_id, c.name, c.payment_terms_days, coalesce(c.terms_end_of_month, false) AS terms_end_of_month,
       coalesce(c.payment_terms_days > CASE WHEN c.terms_end_of_month THEN $max_eom_days ELSE $max_days END, false)
           AS terms_over_cap,
       i.max_invoice_terms_days,
       coalesce(i.invoices_over_cap, 0) AS invoices_over_cap
FROM clients AS c
JOIN kept USING (client_id)
LEFT JOIN issued AS i USING (client_id)
WHERE c.payment_terms_days > CASE WHEN c.terms_end_of_month THEN $max_eom_days ELSE $max_days END
   OR i.invoices_over_cap > 0
ORDER BY c.client_id
