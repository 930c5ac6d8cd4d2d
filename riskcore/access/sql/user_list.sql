-- Every account, without its password hash.
SELECT name, role, person, disabled, created_at, password_changed_at FROM users ORDER BY name
