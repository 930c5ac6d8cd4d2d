-- Whether the client an action is recorded for is in the ledger (1) or not (0).
SELECT count(*) FROM clients WHERE client_id = $client
