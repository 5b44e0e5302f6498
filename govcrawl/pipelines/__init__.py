"""Item pipelines: keep the raw bytes, then turn each fetched page into a record."""
