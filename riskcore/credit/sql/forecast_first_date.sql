-- Cash-in backtest: the ledger's first invoice date (no origin of the backtest comes before it).
SELECT min(invoice_date) FROM invoices
