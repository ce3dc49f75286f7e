"""The Typer command line: parses, calls services, renders. No business logic here."""
