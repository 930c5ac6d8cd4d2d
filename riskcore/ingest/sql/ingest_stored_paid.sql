-- Stored payments per invoice in _ingest_ids, leaving out the payment ids in _ingest_replaced (the
-- ones the batch being imported replaces); both are registered frames with one column, id.
SELECT p.invoice_id, CAST(sum(p.amount) AS DOUBLE) AS paid FROM payments p JOIN _ingest_ids l ON p.invoice_id = l.id WHERE p.payment_id NOT IN (SELECT id FROM _ingest_replaced) GROUP BY p.invoice_id
