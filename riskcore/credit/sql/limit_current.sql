-- The current credit limit of client $c (no row: no such client; NULL: no limit set).
SELECT credit_limit FROM clients WHERE client_id = $c
