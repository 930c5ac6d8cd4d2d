-- The imported files, newest first.
SELECT imported_at, file_name, kind, rows, rejected, imported_by
FROM imports ORDER BY imported_at DESC, import_id DESC
