-- Decide pending proposal $id: applied or rejected by $user; on approval the previous limit re-read.
UPDATE limit_decisions SET status = $status, decided_by = $user, decided_at = $now, reason = $reason,
       previous_limit = CASE WHEN $approve THEN $previous ELSE previous_limit END
WHERE decision_id = $id
