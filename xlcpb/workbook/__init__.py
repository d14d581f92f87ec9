"""Layer 4 adapter: writing workbooks (the sheet export; templates and publishing to come)."""
