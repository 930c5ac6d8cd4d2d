-- Open items at as_of (DOMAIN.md §2): invoices and credit notes with a non-zero open amount,
-- their days past due and aging bucket (edges and names passed from config aging.bucket_edges).
CREATE OR REPLACE MACRO open_items(as_of, edges, names) AS TABLE
SELECT invoice_id, client_id, invoice_date, due_date, due_date_assumed, amount, open_amount,
       days_past_due, bucket_of(days_past_due, edges, names) AS bucket,
       disputed, dispute_reason, opening
FROM invoice_facts(as_of, as_of)
WHERE open_amount <> 0;
