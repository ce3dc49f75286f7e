"""SQLAlchemy models, engine and unit of work, Alembic migrations."""
