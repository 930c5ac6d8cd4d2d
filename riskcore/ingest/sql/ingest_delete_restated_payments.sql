-- The stored payments of the clients in _ingest_ids between $first and $last: a FEC is the book of
-- record for its period, so its payments replace the period's stored ones.
DELETE FROM payments WHERE client_id IN (SELECT id FROM _ingest_ids) AND payment_date BETWEEN $first AND $last
