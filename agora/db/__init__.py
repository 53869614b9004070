"""PostgreSQL access: pools, cursors, transactions, the embedded cluster."""
