"""One module per schema revision; alembic reads them (and skips this file)."""
