UPDATE users SET password_hash = $hash, password_changed_at = $now, disabled = false WHERE name = $name
