"""The training catalog: schema, LHEO import and session search."""
