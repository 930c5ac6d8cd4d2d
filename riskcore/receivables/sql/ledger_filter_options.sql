-- The values each sidebar filter offers (riskcore.receivables.filters.DIMENSIONS), from the clients
-- table: one row per dimension and distinct non-empty value, sorted.
SELECT 'segment' AS dimension, segment AS value FROM clients WHERE segment IS NOT NULL AND segment <> '' GROUP BY segment
UNION ALL
SELECT 'sector' AS dimension, sector AS value FROM clients WHERE sector IS NOT NULL AND sector <> '' GROUP BY sector
UNION ALL
SELECT 'sales_rep' AS dimension, sales_rep AS value FROM clients WHERE sales_rep IS NOT NULL AND sales_rep <> '' GROUP BY sales_rep
UNION ALL
SELECT 'region' AS dimension, region AS value FROM clients WHERE region IS NOT NULL AND region <> '' GROUP BY region
UNION ALL
SELECT 'group_id' AS dimension, group_id AS value FROM clients WHERE group_id IS NOT NULL AND group_id <> '' GROUP BY group_id
ORDER BY dimension, value
