-- The reminders a letter recalls: the client's actions dated from $since (the oldest open
-- invoice's date: nothing earlier concerns what is still owed) to $as_of, credit holds left out
-- (not a contact) and so is the letter's own action of the same day. Imported rows carry only a
-- level: 1 reminder e-mail, 2 reminder letter, 3 call, 4 formal notice, 5 litigation.
SELECT action_date, action, channel
FROM (SELECT action_date, channel, recorded_at, action_id,
             coalesce(action, CASE level WHEN 1 THEN 'reminder_email' WHEN 2 THEN 'reminder_letter'
                                         WHEN 3 THEN 'call' WHEN 4 THEN 'formal_notice'
                                         WHEN 5 THEN 'litigation' END) AS action
      FROM dunning_actions
      WHERE client_id = $client_id AND action_date <= $as_of
        AND ($since IS NULL OR action_date >= $since)) AS a
WHERE action IS NOT NULL AND action <> 'credit_hold'
  AND NOT (action_date = $as_of AND action = $action)
ORDER BY action_date, recorded_at NULLS FIRST, action_id
