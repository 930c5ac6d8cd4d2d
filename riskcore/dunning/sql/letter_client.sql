-- The debtor a letter names: one client's name, SIREN and language (riskcore.dunning.letters).
SELECT client_id, name, siren, language
FROM clients
WHERE client_id = $client_id
