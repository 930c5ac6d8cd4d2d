-- The debtors letters name: the name, SIREN, language and e-mail address of each client of
-- $client_ids (riskcore.dunning.letters: one client for a letter, every client of a batch at once).
SELECT client_id, name, siren, language, nullif(trim(email), '') AS email
FROM clients
WHERE client_id IN (SELECT unnest($client_ids))
ORDER BY client_id
