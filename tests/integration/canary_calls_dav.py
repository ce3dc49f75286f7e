"""Canary entries for CardDAV and the calendar feed: B's address book, changes, cards and
feed never carry A's private contact; A's private card's href fails like a missing one."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from goodwill.errors import NotFound
from goodwill.services import carddav, feeds

PAT = b"BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Pat Doe\r\nN:Doe;Pat;;;\r\nEND:VCARD\r\n"


def _hrefs(c: Any) -> list[tuple[str, str]]:
    return [(f"{c.p.contact}.vcf", "999999999.vcf"), (f"{c.p.trashed}.vcf", "999999998.vcf")]


def _book(b: Any, uow: Any, c: Any) -> list[Any]:
    return [c.ok(carddav.address_book)]


def _list(b: Any, uow: Any, c: Any) -> list[Any]:
    return [c.ok(carddav.list_cards)]


def _changes(b: Any, uow: Any, c: Any) -> list[Any]:
    return [c.ok(carddav.changes_since, None)]


def _read_cards(b: Any, uow: Any, c: Any) -> list[Any]:
    wanted = [h for pair in _hrefs(c) for h in pair] + [f"{c.p.shared}.vcf"]
    return [c.ok(carddav.read_cards, wanted)]


def _read_card(b: Any, uow: Any, c: Any) -> list[Any]:
    c.hidden(_hrefs(c), lambda href: carddav.read_card(b, uow, href))
    return [c.ok(carddav.read_card, f"{c.p.shared}.vcf")]


def _put(b: Any, uow: Any, c: Any) -> list[Any]:
    return [c.ok(carddav.put_card, f"{c.p.contact}.vcf", PAT, expect=lambda r: r.created)]


def _delete(b: Any, uow: Any, c: Any) -> list[Any]:
    c.hidden(_hrefs(c), lambda href: carddav.delete_card(b, uow, href))
    return [c.fails(NotFound, carddav.delete_card, "nobody.vcf")]


def _feed(b: Any, uow: Any, c: Any) -> list[Any]:
    feed = feeds.task_feed(b, uow)  # bytes: checked as text
    return [feed.body.decode("utf-8"), feed.events]


DAV_CALLS: dict[str, Callable[[Any, Any, Any], Any]] = {
    "carddav.address_book": _book,
    "carddav.list_cards": _list,
    "carddav.changes_since": _changes,
    "carddav.read_cards": _read_cards,
    "carddav.read_card": _read_card,
    "carddav.put_card": _put,
    "carddav.delete_card": _delete,
    "feeds.task_feed": _feed,
}
