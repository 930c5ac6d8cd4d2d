-- The audit log, newest first, filtered by user, action, entity and a UTC time range (NULL: any).
SELECT audit_id, at_utc, user_name, role, action, entity, entity_id, before_json, after_json, reason, source
FROM audit_log
WHERE ($user IS NULL OR user_name = $user)
  AND ($action IS NULL OR action = $action)
  AND ($entity IS NULL OR entity = $entity)
  AND ($since IS NULL OR at_utc >= $since)
  AND ($until IS NULL OR at_utc < $until)
ORDER BY audit_id DESC
LIMIT coalesce($limit, 1000000000)
