UPDATE users SET disabled = $disabled WHERE name = $name
