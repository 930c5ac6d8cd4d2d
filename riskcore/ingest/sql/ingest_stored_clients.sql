-- Every stored client, for the batch checks (terms, known ids) and the FEC reader.
SELECT * FROM clients
