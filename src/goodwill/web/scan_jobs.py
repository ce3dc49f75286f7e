"""How the web pages start a duplicate scan: in a process of its own.

A scan is about a minute of CPU at 100k contacts; in a thread of the server it would hold
the GIL against every page the process serves. The child is `goodwill duplicates
scan-job` (cli.dedupe), detached from the server (its own session: a server restarting
does not take it down), at a lower priority; it opens the server's database from
$GOODWILL_DB in its environment, never from its command line (which `ps` shows to every
user of the machine), and writes its progress where every server process reads it (the
scan's row: services.dedupe).
"""

from __future__ import annotations

import os
import subprocess
import sys
import threading

from goodwill.services.actor import Actor
from goodwill.services.dedupe import ScanLauncher
from goodwill.storage.unit_of_work import UnitOfWork


def scan_job_command(actor: Actor) -> list[str]:
    return [
        sys.executable, "-m", "goodwill", "duplicates", "scan-job",
        "--user-id", str(actor.user_id), "--workspace-id", str(actor.workspace_id),
    ]  # fmt: skip


def process_launcher(database_url: str) -> ScanLauncher:
    """Starts each scan as a detached child process on the database at `database_url`."""

    def launch(actor: Actor, uow: UnitOfWork) -> None:
        child = subprocess.Popen(
            scan_job_command(actor),
            env={**os.environ, "GOODWILL_DB": database_url},
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,  # a failure's reason is in the scan's row
            start_new_session=True,
        )
        # Reaped when it ends (no zombie left behind); waiting holds no GIL.
        threading.Thread(target=child.wait, name=f"scan-job-{child.pid}", daemon=True).start()

    return launch
