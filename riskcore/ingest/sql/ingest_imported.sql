-- sha256 and kind of every file already imported into the workspace.
SELECT sha256, kind FROM imports
