-- Invoices in _ingest_ids with payments other than the ones an import generated (settle:, open:).
SELECT DISTINCT p.invoice_id FROM payments p JOIN _ingest_ids l ON p.invoice_id = l.id WHERE NOT (starts_with(p.payment_id, 'settle:') OR starts_with(p.payment_id, 'open:'))
