-- Every dunning action dated by $as_of, with its type: recorded actions carry it, imported ones are
-- read from their level (1 reminder e-mail, 2 reminder letter, 3 call, 4 formal notice, 5 litigation).
SELECT client_id, action_id, action_date, outcome, recorded_at,
       coalesce(action, CASE level WHEN 1 THEN 'reminder_email' WHEN 2 THEN 'reminder_letter' WHEN 3 THEN 'call'
                                   WHEN 4 THEN 'formal_notice' WHEN 5 THEN 'litigation' END) AS action
FROM dunning_actions
WHERE action_date <= $as_of
ORDER BY client_id, action_date, recorded_at NULLS FIRST, action_id
