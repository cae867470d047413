"""SQLite storage: the only package that speaks SQL."""

from storage.db import Database, open_database

__all__ = ["Database", "open_database"]
