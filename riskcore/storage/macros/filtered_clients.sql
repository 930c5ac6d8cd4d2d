-- The clients kept by the sidebar filters (riskcore.filters.Filters.params()); an empty list keeps all.
CREATE OR REPLACE MACRO filtered_clients(f_segment, f_sector, f_sales_rep, f_region, f_group_id) AS TABLE
SELECT client_id FROM clients
WHERE (len(f_segment) = 0 OR list_contains(f_segment::VARCHAR[], segment))
  AND (len(f_sector) = 0 OR list_contains(f_sector::VARCHAR[], sector))
  AND (len(f_sales_rep) = 0 OR list_contains(f_sales_rep::VARCHAR[], sales_rep))
  AND (len(f_region) = 0 OR list_contains(f_region::VARCHAR[], region))
  AND (len(f_group_id) = 0 OR list_contains(f_group_id::VARCHAR[], group_id))
