"""Storage: the workspace database (schema, migrations, SQL macros); the only package that executes SQL."""
