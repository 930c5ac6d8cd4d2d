-- The ids of the clients the filters keep (a sales rep's own clients, for their pickers).
SELECT client_id FROM filtered_clients($f_segment, $f_sector, $f_sales_rep, $f_region, $f_group_id) ORDER BY client_id
