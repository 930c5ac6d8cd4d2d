-- The latest import (who and when), named when a limit changed under an edit without a decision.
SELECT imported_by, imported_at FROM imports ORDER BY import_id DESC LIMIT 1
