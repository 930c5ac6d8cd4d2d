-- Every dunning action dated by $as_of, with its type: recorded actions carry it, imported ones are
-- read from their level ($level_actions: the type of levels 1 to 5, riskcore.dunning.scenario.ACTION_LEVELS).
SELECT client_id, action_id, action_date, outcome, recorded_at,
       coalesce(action, list_extract($level_actions, level)) AS action
FROM dunning_actions
WHERE action_date <= $as_of
ORDER BY client_id, action_date, recorded_at NULLS FIRST, action_id
