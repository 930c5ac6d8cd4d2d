-- The record of one imported file: its rows loaded and rejected, the mapping used, when and by whom.
INSERT INTO imports (import_id, sha256, file_name, kind, rows, rejected, mapping, imported_at, imported_by) VALUES (nextval('import_seq'), $sha, $name, $kind, $rows, $rejected, $mapping, $at, $by)
