-- The credit notes in _ingest_ids that payments do not apply in full to an invoice, once the batch is
-- written: their count and what is left of them (a positive amount), not counting written-off ones.
SELECT count(*) AS credit_notes, CAST(coalesce(-sum(open_amount), 0) AS DOUBLE) AS amount
FROM (SELECT i.invoice_id, any_value(i.amount) - coalesce(sum(p.amount), 0) AS open_amount
      FROM invoices AS i
      JOIN _ingest_ids AS l ON i.invoice_id = l.id
      LEFT JOIN payments AS p ON p.invoice_id = i.invoice_id
      WHERE i.amount < 0 AND i.write_off_date IS NULL
      GROUP BY i.invoice_id)
WHERE open_amount < -0.005
