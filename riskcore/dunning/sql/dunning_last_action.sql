-- The last dunning action of every client by $as_of (the latest date, then the last recorded, then
-- the highest id, as the history lists them), with its type (read from its level for an imported
-- row, $level_actions as in dunning_done.sql) and outcome.
WITH last_day AS (
    SELECT client_id, max(action_date) AS action_date
    FROM dunning_actions
    WHERE action_date <= $as_of
    GROUP BY client_id)
SELECT a.client_id, coalesce(a.action, list_extract($level_actions, a.level)) AS last_action,
       a.action_date AS last_action_date, a.outcome AS last_outcome
FROM dunning_actions AS a
JOIN last_day AS l USING (client_id, action_date)
QUALIFY row_number() OVER (PARTITION BY a.client_id ORDER BY a.recorded_at DESC NULLS LAST, a.action_id DESC) = 1
