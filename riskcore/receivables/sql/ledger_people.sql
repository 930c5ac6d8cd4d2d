-- The people the clients table names: each distinct sales rep and collector, sorted.
SELECT 'sales_rep' AS role, sales_rep AS name FROM clients WHERE sales_rep IS NOT NULL AND sales_rep <> '' GROUP BY sales_rep
UNION ALL
SELECT 'collector' AS role, collector AS name FROM clients WHERE collector IS NOT NULL AND collector <> '' GROUP BY collector
ORDER BY role, name
