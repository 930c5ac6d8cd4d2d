-- How many rows each ledger table holds: clients, invoices, payments, dunning actions.
SELECT (SELECT count(*) FROM clients), (SELECT count(*) FROM invoices),
       (SELECT count(*) FROM payments), (SELECT count(*) FROM dunning_actions)
