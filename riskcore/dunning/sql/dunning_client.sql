-- The client a collections record is for: its sales rep (a rep records on their own clients only).
SELECT client_id, sales_rep FROM clients WHERE client_id = $client
