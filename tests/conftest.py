"""Nothing shared by every suite: tests/routing runs without a database, or SQLAlchemy.

The database fixtures live in tests/database.py; the suites that need them import them.
"""
