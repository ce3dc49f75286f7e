"""Where the database lives: --db, else $GOODWILL_DB, else the user's data directory."""

from __future__ import annotations

import os
from pathlib import Path

from platformdirs import user_data_dir


def default_database_url() -> str:
    env = os.environ.get("GOODWILL_DB")
    if env:
        return env
    path = Path(user_data_dir("goodwill", appauthor=False)) / "goodwill.db"
    return f"sqlite:///{path}"
