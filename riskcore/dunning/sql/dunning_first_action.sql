-- Days from the due date to the first dunning action, per invoice fallen due in ($start, $as_of)
-- unpaid on its due date: the first action on its client dated from the due date on (NULL: none yet).
WITH fallen AS (
    SELECT invoice_id, client_id, due_date
    FROM invoice_facts($as_of, $as_of)
    WHERE amount > 0 AND due_date > $start AND due_date < $as_of
      AND (settle_date IS NULL OR settle_date > due_date))
SELECT f.invoice_id, f.client_id, min(a.action_date) - f.due_date AS days_to_first_action
FROM fallen AS f
LEFT JOIN dunning_actions AS a
       ON a.client_id = f.client_id AND a.action_date >= f.due_date AND a.action_date <= $as_of
GROUP BY f.invoice_id, f.client_id, f.due_date
