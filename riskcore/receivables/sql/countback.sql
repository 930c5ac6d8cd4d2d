-- Countback DSO (DOMAIN.md §3) at $as_of for an AR of $ar; the method lives in the countback_dso macro.
SELECT dso_countback
FROM countback_dso([$as_of], [$ar], $max_months, $f_segment, $f_sector, $f_sales_rep, $f_region, $f_group_id)
