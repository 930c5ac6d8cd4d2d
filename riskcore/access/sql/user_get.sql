-- One account by name (riskcore.access.users).
SELECT name, role, person, password_hash, disabled, created_at, password_changed_at FROM users WHERE name = $name
