"""The project's portal definitions, one TOML file per portal or group of portals (package data,
read by govcrawl/definitions.py)."""
