-- The client of each invoice named in $ids (to refuse a record naming another client's invoice).
SELECT invoice_id, client_id FROM invoices WHERE list_contains($ids, invoice_id)
