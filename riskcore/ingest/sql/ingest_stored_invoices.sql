-- invoice_id, client_id and amount of the stored invoices whose id is in the registered frame _ingest_ids.
SELECT i.invoice_id, i.client_id, CAST(i.amount AS DOUBLE) AS amount FROM invoices i JOIN _ingest_ids l ON i.invoice_id = l.id
