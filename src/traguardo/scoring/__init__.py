"""Scoring in the database: fetch a cycle into the core's plain data, score it, show it."""
