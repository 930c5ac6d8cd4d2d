INSERT INTO users VALUES ($name, $role, $person, $hash, false, $now, $now)
