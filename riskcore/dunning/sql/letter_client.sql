-- The debtors letters name: the name, SIREN and language of each client of $client_ids
-- (riskcore.dunning.letters: one client for a letter, every client of a batch at once).
SELECT client_id, name, siren, language
FROM clients
WHERE client_id IN (SELECT unnest($client_ids))
ORDER BY client_id
