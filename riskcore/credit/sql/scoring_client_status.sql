-- Status of every scorable client (non-credit accounts are not scored): the rules of DOMAIN.md §7.
SELECT client_id, coalesce(status, 'active') AS status
FROM clients
WHERE NOT coalesce(non_credit, false)
