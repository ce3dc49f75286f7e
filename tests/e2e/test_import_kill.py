"""An import killed with SIGKILL mid-way ends, once re-run, exactly like an uninterrupted one."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from sqlalchemy import create_engine, text

from goodwill.services.importing import BATCH
from goodwill.storage.engine import make_engine

ROWS = BATCH * 2 + BATCH // 2  # killed after the first batch, two more to go
HEADER = "First Name,Last Name,URL,Email Address,Company,Position,Connected On\n"


def _connections(path: Path) -> Path:
    with path.open("w", encoding="utf-8") as out:
        out.write("Notes:\n\n" + HEADER)
        for n in range(ROWS):
            out.write(f"First{n},Last{n},https://www.linkedin.com/in/p{n},p{n}@example.com,"
                      f"Company {n % 50},Title,14 Feb 2023\n")  # fmt: skip
    return path


def _goodwill(url: str, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "goodwill", "--db", url, *args],
        capture_output=True, text=True, timeout=600, check=True,
    )  # fmt: skip


def _state(url: str) -> tuple[int, dict[str, int]]:
    engine = make_engine(url)
    try:
        with engine.connect() as conn:
            contacts = conn.execute(text("SELECT count(*) FROM contacts")).scalar_one()
            counts = conn.execute(text("SELECT counts FROM imports ORDER BY id")).scalars().all()
        decoded = [c if isinstance(c, dict) else json.loads(c) for c in counts]
        return int(contacts), decoded[-1]
    finally:
        engine.dispose()


def _checkpoint(url: str) -> int:
    engine = create_engine(url.replace("postgresql+psycopg", "postgresql+psycopg"))
    try:
        with engine.connect() as conn:
            value = conn.execute(text("SELECT max(checkpoint) FROM imports")).scalar()
            return int(value or 0)
    except Exception:  # the table may not be there yet while the first run starts
        return 0
    finally:
        engine.dispose()


def test_sigkilled_import_resumes_to_the_counts_of_an_uninterrupted_one(
    empty_database_url, tmp_path
):
    source = _connections(tmp_path / "Connections.csv")
    reference = f"sqlite:///{tmp_path / 'reference.db'}"
    _goodwill(reference, "import", str(source), "--format", "linkedin")
    expected = _state(reference)
    assert expected[0] == ROWS

    url = empty_database_url
    _goodwill(url, "db", "upgrade")
    process = subprocess.Popen(
        [sys.executable, "-m", "goodwill", "--db", url, "import", str(source),
         "--format", "linkedin"],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    deadline = time.monotonic() + 300
    while _checkpoint(url) < BATCH and process.poll() is None and time.monotonic() < deadline:
        time.sleep(0.05)
    assert process.poll() is None, "the import finished before it could be killed"
    os.kill(process.pid, signal.SIGKILL)
    process.wait()
    killed_at = _checkpoint(url)
    assert BATCH <= killed_at < ROWS
    assert _state(url)[0] == killed_at  # every committed batch is whole: nothing half-written

    _goodwill(url, "import", str(source), "--format", "linkedin")
    assert _state(url) == expected
