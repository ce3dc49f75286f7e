"""Pure rules and value types: no I/O, no SQLAlchemy, Typer or FastAPI (a test enforces it)."""
