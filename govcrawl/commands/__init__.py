"""govcrawl's Scrapy commands (COMMANDS_MODULE): `crawl` that exits non-zero when a run's health fails."""
