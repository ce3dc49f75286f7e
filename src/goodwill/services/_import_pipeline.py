"""Parse (and normalize contacts) in a second process while this one writes.

A big import is two kinds of work: reading the file (vobject, the email parser,
email-validator and phonenumbers in `prepare`) and writing to the database. On a
machine with two cores they overlap: a worker process parses and prepares records
and hands them over in chunks through a bounded queue (so memory stays flat), and
the importing process writes batches as they arrive.

The stream is the same with or without the worker: the parse results in file
order, contacts already prepared. A worker that dies, or a parent that is killed,
is noticed within a second.
"""

from __future__ import annotations

import gc
import multiprocessing
import os
import queue
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from goodwill.errors import ImportFailed, ValidationFailed
from goodwill.importers import registry
from goodwill.importers.records import (
    ImportedContact,
    ImportedMessage,
    Location,
    ParseResult,
    RecordError,
)
from goodwill.services._import_contacts import Prepared, prepare
from goodwill.services._import_wire import WireMessage, message_wire
from goodwill.services.actor import Actor

CHUNK = 250  # results per hand-over
QUEUE_CHUNKS = 8  # chunks in flight at most
WORKER_MIN_BYTES = 1 << 20  # smaller files parse faster than a worker starts
POLL_SECONDS = 1.0


@dataclass(frozen=True)
class PreparedContact:
    """A contact record normalized by `prepare`, with what it reported on the way."""

    location: Location
    item: Prepared | None  # None: the record failed (see error)
    warnings: list[RecordError] = field(default_factory=list)
    error: RecordError | None = None


Streamed = ParseResult | PreparedContact | WireMessage


def prepared(result: ParseResult, fmt: str, actor: Actor) -> Streamed:
    """A contact normalized, a message as its wire tuple (see _import_wire), the rest as is."""
    if isinstance(result, ImportedMessage):
        return message_wire(result)
    if not isinstance(result, ImportedContact):
        return result
    warnings: list[RecordError] = []
    try:
        item = prepare(result, fmt, actor, warnings.append)
    except ValidationFailed as exc:
        error = RecordError(result.location, exc.field or None, exc.reason)
        return PreparedContact(result.location, None, warnings, error)
    return PreparedContact(result.location, item, warnings)


def _size(path: Path) -> int:
    if path.is_dir():
        return sum(p.stat().st_size for p in path.rglob("*") if p.is_file())
    return path.stat().st_size


def want_worker(path: Path, workers: int | None) -> bool:
    if workers is not None:
        return workers > 1
    return (os.cpu_count() or 1) > 1 and _size(path) >= WORKER_MIN_BYTES


class Inline:
    """The stream parsed in this process."""

    def __init__(self, fmt: str, path: Path, now: datetime, keep_bodies: bool, actor: Actor):
        self._results = registry.parser_for(fmt, now=now, keep_bodies=keep_bodies)(path)
        self.fmt, self.actor = fmt, actor

    def __iter__(self) -> Iterator[Streamed]:
        for result in self._results:
            yield prepared(result, self.fmt, self.actor)

    def close(self) -> None:
        close = getattr(self._results, "close", None)
        if close is not None:
            close()


class Worker:
    """The stream parsed by a worker process."""

    def __init__(self, fmt: str, path: Path, now: datetime, keep_bodies: bool, actor: Actor):
        context = multiprocessing.get_context("spawn")  # no fork of a process with a database
        self._queue: Any = context.Queue(maxsize=QUEUE_CHUNKS)
        self._process = context.Process(
            target=_work,
            args=(fmt, str(path), now, keep_bodies, actor, self._queue, os.getpid()),
            daemon=True,
            name="goodwill-import-parser",
        )
        self._process.start()

    def __iter__(self) -> Iterator[Streamed]:
        while True:
            try:
                kind, payload = self._queue.get(timeout=POLL_SECONDS)
            except queue.Empty:
                if not self._process.is_alive():
                    raise ImportFailed(
                        f"the parser process stopped unexpectedly "
                        f"(exit code {self._process.exitcode})"
                    ) from None
                continue
            if kind == "items":
                yield from payload
            elif kind == "done":
                return
            else:  # "failed": the file is not what it claims, or the parser broke
                raise ImportFailed(payload)

    def close(self) -> None:
        if self._process.is_alive():
            self._process.terminate()
        self._process.join(timeout=5)
        self._queue.close()
        self._queue.cancel_join_thread()


def open_stream(
    fmt: str, path: Path, now: datetime, keep_bodies: bool, actor: Actor, workers: int | None
) -> Inline | Worker:
    cls = Worker if want_worker(path, workers) else Inline
    return cls(fmt, path, now, keep_bodies, actor)


def _put(channel: Any, message: tuple[str, Any], parent: int) -> None:
    while True:
        try:
            channel.put(message, timeout=POLL_SECONDS)
            return
        except queue.Full:
            if os.getppid() != parent:  # the importing process is gone: stop
                os._exit(0)


def _work(
    fmt: str, path: str, now: datetime, keep_bodies: bool, actor: Actor, channel: Any, parent: int
) -> None:
    """The worker: parse, prepare, hand over in chunks; errors go through the queue."""
    gc.freeze()  # the modules loaded so far are never garbage: full collections skip them
    try:
        stream = Inline(fmt, Path(path), now, keep_bodies, actor)
        chunk: list[Streamed] = []
        for result in stream:
            chunk.append(result)
            if len(chunk) >= CHUNK:
                _put(channel, ("items", chunk), parent)
                chunk = []
        _put(channel, ("items", chunk), parent)
        _put(channel, ("done", None), parent)
    except ImportFailed as exc:
        _put(channel, ("failed", exc.message), parent)
    except Exception as exc:  # noqa: BLE001 - reported to the importing process
        _put(channel, ("failed", f"{path}: the parser failed: {type(exc).__name__}: {exc}"), parent)
    channel.close()
    channel.join_thread()
