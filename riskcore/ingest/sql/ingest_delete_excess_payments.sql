-- The excess rows (excess:<id>, unapplied cash) an earlier import split off the payments whose ids are
-- in _ingest_ids: the batch re-imports those payments and works their excess out again.
DELETE FROM payments WHERE starts_with(payment_id, 'excess:') AND substr(payment_id, 8) IN (SELECT id FROM _ingest_ids)
