"""Layer 2, data: bundled data files (CSV/TOML), their schema and loading."""
