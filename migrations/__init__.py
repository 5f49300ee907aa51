"""Alembic migrations for the tingflyt schema (run by `tingflyt init`)."""
