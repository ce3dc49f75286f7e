"""A real uvicorn server on 127.0.0.1 (a free port) over a database URL, for tests that
drive goodwill with real clients (vdirsyncer, urllib)."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextmanager
def live_server(database_url: str, log_path: Path) -> Iterator[str]:
    """The base URL of a server on `database_url` (already migrated), stopped afterwards."""
    port = free_port()
    log = log_path.open("wb")
    process = subprocess.Popen(
        [sys.executable, "-m", "uvicorn", "--factory", "goodwill.web.app:app_from_env",
         "--host", "127.0.0.1", "--port", str(port), "--log-level", "warning"],
        env={**os.environ, "GOODWILL_DB": database_url},
        stdout=log,
        stderr=subprocess.STDOUT,
    )  # fmt: skip
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(300):  # up to ~30 s for the server to answer
            if process.poll() is not None:
                break
            try:
                with urllib.request.urlopen(base + "/openapi.json", timeout=2):
                    break
            except OSError:
                time.sleep(0.1)
        else:
            pytest.fail("the server did not start")
        assert process.poll() is None, log_path.read_text()
        yield base
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        log.close()
