"""What a server process does at start-up beyond building the app."""

from __future__ import annotations

import os
import subprocess
import sys


def test_a_server_process_freezes_its_start_up_heap(tmp_path):
    # uvicorn's factory entry point: the start-up objects leave the collector's view, so
    # a full collection during a request no longer walks them.
    code = (
        "import gc; from goodwill.web.app import app_from_env; "
        "before = gc.get_freeze_count(); app_from_env(); print(before, gc.get_freeze_count())"
    )
    env = {**os.environ, "GOODWILL_DB": f"sqlite:///{tmp_path / 'server.db'}"}
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True,
                         check=True, timeout=120)  # fmt: skip
    before, after = map(int, out.stdout.split())
    assert before == 0
    assert after > 10_000
