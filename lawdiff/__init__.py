"""Pure functions over parsed law documents: parse, diff, amendments, statistics."""
