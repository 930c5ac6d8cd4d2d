-- The sales rep of one client (row-level reading rule of riskcore.receivables.filters).
SELECT sales_rep FROM clients WHERE client_id = $client
