-- The client's dunning actions, newest first.
SELECT action_date, level, channel, invoice_id, outcome, promise_date, recorded_by
FROM dunning_actions WHERE client_id = $client_id ORDER BY action_date DESC, action_id DESC
