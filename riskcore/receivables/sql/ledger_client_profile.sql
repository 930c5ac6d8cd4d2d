-- The client's row of the clients table (identity, terms, limits, status); no row when unknown.
SELECT * FROM clients WHERE client_id = $client_id
