-- Every client's id and name (the id when it has none), in name order, for the client file's picker.
SELECT client_id, coalesce(name, client_id) AS name FROM clients ORDER BY name, client_id
