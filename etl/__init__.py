"""ETL for Frivillighetsstatistikk: sources → raw cache → DuckDB build (see README)."""
