-- The alerts a sales rep hears of (DOMAIN §9): formal notices done and credit holds put on in
-- ($start, $as_of]; broken promises are worked out in Python from the promises.
SELECT client_id, action_date AS event_date, 'formal_notice' AS kind
FROM dunning_actions
WHERE action_date > $start AND action_date <= $as_of AND (action = 'formal_notice' OR (action IS NULL AND level = $formal_level))
UNION ALL
SELECT client_id, event_date, 'credit_hold' AS kind
FROM credit_holds
WHERE event_date > $start AND event_date <= $as_of AND on_hold
ORDER BY event_date DESC, client_id
