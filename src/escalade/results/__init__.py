"""Result sets and the DuckDB results store."""
