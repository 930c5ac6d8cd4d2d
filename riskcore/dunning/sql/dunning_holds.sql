-- The credit hold of each client at $as_of: its last hold event dated by then (on or lifted).
SELECT client_id, on_hold, event_date AS hold_date, reason AS hold_reason
FROM credit_holds
WHERE event_date <= $as_of
QUALIFY row_number() OVER (PARTITION BY client_id ORDER BY event_date DESC, recorded_at DESC) = 1
