"""One module per table layout; see etl/read/tables.py."""
