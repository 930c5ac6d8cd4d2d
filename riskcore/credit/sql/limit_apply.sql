-- Apply credit limit $new to client $c.
UPDATE clients SET credit_limit = $new WHERE client_id = $c
