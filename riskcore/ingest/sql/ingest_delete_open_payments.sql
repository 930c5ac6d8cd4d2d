-- The payments an earlier open-items snapshot generated (ids open:<invoice> in _ingest_ids): a new
-- snapshot restates what was paid.
DELETE FROM payments WHERE payment_id IN (SELECT id FROM _ingest_ids)
