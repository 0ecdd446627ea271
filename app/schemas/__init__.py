"""Pydantic schemas of the JSON API, kept apart from the tables."""
