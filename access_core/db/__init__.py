"""The database: engine, failure translation, the unit of work that retries, the schema (models,
Alembic migrations).
"""
