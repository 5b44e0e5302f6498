"""govcrawl: government information-disclosure annual reports as research data."""

__version__ = "0.1.0"
