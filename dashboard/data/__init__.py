"""Data: schema, loading, derivation and imports. See `geodata/FORMAT.md`."""
