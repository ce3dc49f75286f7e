"""`python -m goodwill` runs the CLI."""

from goodwill.cli.main import run

run()
