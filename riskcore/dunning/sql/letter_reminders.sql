-- The actions a letter may recall, of each client of $client_ids dated by $as_of, credit holds left
-- out (not a contact); riskcore.dunning.letters keeps those from the oldest open invoice's date on
-- and drops the letter's own action of the same day. Imported rows carry only a level: 1 reminder
-- e-mail, 2 reminder letter, 3 call, 4 formal notice, 5 litigation.
SELECT client_id, action_date, action, channel
FROM (SELECT client_id, action_date, channel, recorded_at, action_id,
             coalesce(action, CASE level WHEN 1 THEN 'reminder_email' WHEN 2 THEN 'reminder_letter'
                                         WHEN 3 THEN 'call' WHEN 4 THEN 'formal_notice'
                                         WHEN 5 THEN 'litigation' END) AS action
      FROM dunning_actions
      WHERE client_id IN (SELECT unnest($client_ids)) AND action_date <= $as_of) AS a
WHERE action IS NOT NULL AND action <> 'credit_hold'
ORDER BY client_id, action_date, recorded_at NULLS FIRST, action_id
