"""SQLite under the server: the CLI writes while HTTP clients read and write the same file.

A real uvicorn process serves one SQLite file; threads send requests to it while the
CLI (in this process, its own engine and connections) adds contacts and logs
interactions. Writers start with BEGIN IMMEDIATE and wait on the busy timeout, so no
"database is locked" reaches anyone: every response is 2xx, every command exits 0,
and the counts add up. Loops are bounded; nothing asserts on timing.
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from goodwill.bootstrap import open_database
from goodwill.cli.main import app as cli_app
from goodwill.services import accounts, auth

HTTP_CLIENTS = 3
HTTP_ROUNDS = 12  # each: POST a contact, GET a page of contacts
CLI_ROUNDS = 10  # each: `contact add`, `interaction log`


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _request(base: str, token: str, method: str, path: str, body: Any = None) -> tuple[int, Any]:
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(
        base + path,
        data=data,
        method=method,
        headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"},
    )
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, json.loads(response.read() or b"null")
    except urllib.error.HTTPError as exc:
        with exc:
            return exc.code, exc.read().decode("utf-8", "replace")


@pytest.fixture
def server(tmp_path: Path) -> Iterator[tuple[str, str, str]]:
    """(database URL, base URL, API token of the local owner) of a running server."""
    url = f"sqlite:///{tmp_path / 'shared.db'}"
    database = open_database(url)
    try:
        owner = accounts.local_actor(database.uow)
        _, token = auth.create_token(owner, database.uow, "concurrency", "api")
    finally:
        database.close()
    port = _free_port()
    log = (tmp_path / "server.log").open("wb")
    process = subprocess.Popen(
        [sys.executable, "-m", "uvicorn", "--factory", "goodwill.web.app:app_from_env",
         "--host", "127.0.0.1", "--port", str(port), "--log-level", "warning"],
        env={**os.environ, "GOODWILL_DB": url},
        stdout=log,
        stderr=subprocess.STDOUT,
    )  # fmt: skip
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(200):  # up to ~20 s for the server to answer
            if process.poll() is not None:
                break
            try:
                with urllib.request.urlopen(base + "/openapi.json", timeout=2):
                    break
            except OSError:
                time.sleep(0.1)
        else:
            pytest.fail("the server did not start")
        assert process.poll() is None, (tmp_path / "server.log").read_text()
        yield url, base, token
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        log.close()


def test_cli_writes_while_the_server_reads_and_writes(server):
    url, base, token = server
    status, first = _request(base, token, "GET", "/api/v1/contacts?limit=500")
    assert status == 200
    before = len(first["items"])

    statuses: list[tuple[str, int, Any]] = []
    lock = threading.Lock()
    start = threading.Barrier(HTTP_CLIENTS + 1)

    def http_client(n: int) -> None:
        start.wait()
        for i in range(HTTP_ROUNDS):
            for method, path, body in (
                ("POST", "/api/v1/contacts", {"name": f"Http {n}-{i}"}),
                ("GET", "/api/v1/contacts?limit=20", None),
            ):
                code, payload = _request(base, token, method, path, body)
                with lock:
                    statuses.append((f"{method} {path}", code, payload))

    threads = [threading.Thread(target=http_client, args=(n,)) for n in range(HTTP_CLIENTS)]
    for thread in threads:
        thread.start()
    runner = CliRunner()
    failures = []
    start.wait()
    for i in range(CLI_ROUNDS):
        email = f"cli{i}@example.com"
        for args in (
            ["contact", "add", f"Cli Person {i}", "-e", email],
            ["log", "call", email, "-m", f"call {i}"],
        ):
            result = runner.invoke(cli_app, ["--db", url, *args])
            if result.exit_code != 0:
                failures.append((args, result.exit_code, result.output, repr(result.exception)))
    for thread in threads:
        thread.join(timeout=120)
        assert not thread.is_alive()

    assert failures == []
    bad = [(what, code, payload) for what, code, payload in statuses if not 200 <= code < 300]
    assert bad == []
    assert len(statuses) == HTTP_CLIENTS * HTTP_ROUNDS * 2

    contacts: list[dict[str, Any]] = []
    cursor = ""
    while True:
        status, page = _request(base, token, "GET", f"/api/v1/contacts?limit=500{cursor}")
        assert status == 200
        contacts += page["items"]
        if not page["next_cursor"]:
            break
        cursor = f"&cursor={page['next_cursor']}"
    names = [c["display_name"] for c in contacts]
    assert len(contacts) == before + HTTP_CLIENTS * HTTP_ROUNDS + CLI_ROUNDS
    assert len(set(names)) == len(names)
    logged = runner.invoke(cli_app, ["--db", url, "interaction", "list", "--json"])
    assert logged.exit_code == 0, logged.output
    assert len(json.loads(logged.stdout)) == CLI_ROUNDS
