-- What a limit edit was started from (riskcore.credit.limits.version): the client's last decision and
-- its limit now. A save from another version is refused (no lost update).
SELECT (SELECT coalesce(max(decision_id), 0) FROM limit_decisions WHERE client_id = $c) AS last_decision,
       (SELECT credit_limit FROM clients WHERE client_id = $c) AS credit_limit
