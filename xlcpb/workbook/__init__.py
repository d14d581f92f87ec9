"""Layer 4 adapter: writing workbooks - template models, the budget, sheet exports and
published copies."""
