"""majlis: from polling-station tally sheets to a governing coalition."""

__version__ = "0.1.0"
