-- Credit-limit decisions, newest first; $client_id and $status NULL keep all.
SELECT decision_id, client_id, previous_limit::DOUBLE AS previous_limit, new_limit::DOUBLE AS new_limit,
       suggested_limit::DOUBLE AS suggested_limit, reason, proposed_by, proposed_at, status,
       decided_by, decided_at
FROM limit_decisions
WHERE ($client_id IS NULL OR client_id = $client_id)
  AND ($status IS NULL OR status = $status)
  AND ($decision_id IS NULL OR decision_id = $decision_id)
ORDER BY proposed_at DESC, decision_id DESC
