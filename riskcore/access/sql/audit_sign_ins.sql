-- The sign-in events of one name since a UTC time, newest first (lockout: riskcore.access.signin).
SELECT action, at_utc
FROM audit_log
WHERE entity = 'user' AND entity_id = $name AND at_utc >= $since
  AND action IN ('sign_in', 'sign_in_failed', 'lockout', 'user_reset_password')
ORDER BY audit_id DESC
