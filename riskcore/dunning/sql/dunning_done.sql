-- The latest date of each type of dunning action of every client, by $as_of: all the scenarios ask
-- of the history is whether an action of some types was recorded on or after a date
-- (riskcore.dunning.scenario), so this answers it as the whole list would. Recorded actions carry
-- their type, imported ones are read from their level ($level_actions: the type of levels 1 to 5,
-- riskcore.dunning.scenario.ACTION_LEVELS); those of no type are left out.
SELECT client_id, coalesce(action, list_extract($level_actions, level)) AS action, max(action_date) AS action_date
FROM dunning_actions
WHERE action_date <= $as_of AND coalesce(action, list_extract($level_actions, level)) IS NOT NULL
GROUP BY ALL
ORDER BY client_id, action, action_date
