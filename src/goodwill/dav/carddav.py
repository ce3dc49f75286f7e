"""CardDAV (RFC 6352) under /dav/: HTTP Basic with a `dav` token as the password.

    /dav/                                    the root (current-user-principal)
    /dav/principals/<user id>/               the principal (addressbook-home-set)
    /dav/addressbooks/<user id>/             the address book home
    /dav/addressbooks/<user id>/contacts/    the one address book: every visible contact
    /dav/addressbooks/<user id>/contacts/<name>.vcf

Only the protocol is here: paths, headers, XML and status codes. What a user sees and what
a PUT or DELETE does is services/carddav.py's.
"""

from __future__ import annotations

import base64
import binascii
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote, unquote, urlsplit
from xml.etree.ElementTree import Element

from fastapi import APIRouter, Request, Response
from fastapi.responses import RedirectResponse
from starlette.concurrency import run_in_threadpool

from goodwill import errors
from goodwill.dav import props
from goodwill.dav.xml import CARDDAV, DAV, BadXml, MultiStatus, error_body, hrefs, parse, q
from goodwill.dav.xml import requested_props as requested
from goodwill.services import auth, carddav
from goodwill.services.actor import Actor
from goodwill.storage.unit_of_work import UnitOfWork

ROOT = "/dav/"
BOOK = "contacts"
DAV_HEADER = "1, 3, addressbook"
ALLOW = "OPTIONS, GET, HEAD, PUT, DELETE, PROPFIND, REPORT"
METHODS = ["OPTIONS", "PROPFIND", "REPORT", "GET", "HEAD", "PUT", "DELETE"]
MAX_REQUEST = 8 * 1024 * 1024
XML = "application/xml; charset=utf-8"
_PLAIN = re.compile(r"[A-Za-z0-9._@~-]+")
CHALLENGE = 'Basic realm="goodwill", charset="UTF-8"'

router = APIRouter(include_in_schema=False)


@router.api_route("/.well-known/carddav", methods=["GET", "PROPFIND"])
def well_known() -> Response:
    return RedirectResponse(ROOT, status_code=301)


@router.api_route("/dav/{path:path}", methods=METHODS)
async def dav(request: Request) -> Response:
    if request.method == "OPTIONS":  # clients probe before they authenticate
        return Response(status_code=200, headers={"DAV": DAV_HEADER, "Allow": ALLOW})
    if int(request.headers.get("content-length") or 0) > MAX_REQUEST:
        return _text(413, "the request body is too large")
    body = await request.body()
    if len(body) > MAX_REQUEST:
        return _text(413, "the request body is too large")
    call = Call(request.method, request.scope["path"], dict(request.headers), body)
    return await run_in_threadpool(_answer, request.app.state.uow, call)


@dataclass(frozen=True)
class Call:
    method: str
    path: str  # percent-decoded
    headers: dict[str, str]  # lower-case names
    body: bytes


@dataclass(frozen=True)
class Target:
    kind: str  # root | principal | home | book | card
    href: str  # the path to answer with (percent-encoded)
    name: str = ""  # a card's name inside the book


def _answer(uow: UnitOfWork, call: Call) -> Response:
    try:
        actor = _authenticate(uow, call.headers.get("authorization", ""))
    except errors.PermissionDenied as exc:
        return _text(401, exc.message, {"WWW-Authenticate": CHALLENGE})
    try:
        target = _target(call.path, actor)
        handler = HANDLERS.get(call.method)
        if handler is None:
            return _text(405, "method not allowed here", {"Allow": ALLOW})
        return handler(uow, actor, target, call)
    except BadXml as exc:
        return _text(400, str(exc))
    except errors.ValidationFailed as exc:
        if exc.field == "sync-token":
            return Response(error_body(q(DAV, "valid-sync-token")), 403, media_type=XML)
        return _text(400, exc.message)
    except errors.PreconditionFailed as exc:
        return _text(412, exc.message)
    except errors.GoodwillError as exc:
        status = next((s for cls, s, _ in STATUS if isinstance(exc, cls)), 400)
        return _text(status, exc.message)


STATUS: list[tuple[type[errors.GoodwillError], int, str]] = [
    (errors.NotFound, 404, ""),
    (errors.Conflict, 409, ""),
    (errors.PermissionDenied, 403, ""),
    (errors.DatabaseUnavailable, 503, ""),
]


def _authenticate(uow: UnitOfWork, header: str) -> Actor:
    scheme, _, encoded = header.partition(" ")
    if scheme.lower() != "basic" or not encoded.strip():
        raise errors.PermissionDenied("sign in with your email and a dav token as the password")
    try:
        decoded = base64.b64decode(encoded.strip(), validate=True).decode("utf-8")
    except (binascii.Error, UnicodeDecodeError):
        raise errors.PermissionDenied("the Authorization header is not valid Basic") from None
    _, _, password = decoded.partition(":")
    return auth.authenticate_token(uow, password, "dav")


def _target(path: str, actor: Actor) -> Target:
    parts = [p for p in path.removeprefix(ROOT.rstrip("/")).split("/") if p]
    if not parts:
        return Target("root", ROOT)
    if parts[0] not in {"principals", "addressbooks"} or len(parts) < 2 or len(parts) > 4:
        raise errors.NotFound("no such resource")
    if parts[1] != str(actor.user_id):
        raise errors.PermissionDenied("this is not your address book")
    if parts[0] == "principals" and len(parts) == 2:
        return Target("principal", principal_href(actor))
    if parts[0] == "addressbooks" and len(parts) == 2:
        return Target("home", home_href(actor))
    if parts[0] == "addressbooks" and parts[2] == BOOK:
        if len(parts) == 3:
            return Target("book", book_href(actor))
        return Target("card", card_href(actor, parts[3]), carddav.check_href(parts[3]))
    raise errors.NotFound("no such resource")


def principal_href(actor: Actor) -> str:
    return f"{ROOT}principals/{actor.user_id}/"


def home_href(actor: Actor) -> str:
    return f"{ROOT}addressbooks/{actor.user_id}/"


def book_href(actor: Actor) -> str:
    return f"{home_href(actor)}{BOOK}/"


def card_href(actor: Actor, name: str) -> str:
    return book_href(actor) + (name if _PLAIN.fullmatch(name) else quote(name))


def _propfind(uow: UnitOfWork, actor: Actor, target: Target, call: Call) -> Response:
    wanted = requested(parse(call.body))
    deep = call.headers.get("depth", "1").strip() != "0"
    links = props.Links(principal_href(actor), home_href(actor), book_href(actor))
    out = MultiStatus()
    if target.kind == "card":
        card = carddav.read_card(actor, uow, target.name)
        out.add(*_pick(props.card_props(card.etag, None), wanted, target.href))
    elif target.kind == "book":
        if deep:
            info, cards = carddav.list_cards(actor, uow)
        else:
            info, cards = carddav.address_book(actor, uow), []
        out.add(*_pick(props.book_props(links, info), wanted, target.href))
        for card_ref in cards:
            href = card_href(actor, card_ref.href)
            out.add(*_pick(props.card_props(card_ref.etag, None), wanted, href))
    else:
        out.add(*_pick(props.plain_props(target.kind, links), wanted, target.href))
        if target.kind == "home" and deep:
            info = carddav.address_book(actor, uow)
            out.add(*_pick(props.book_props(links, info), wanted, book_href(actor)))
    return Response(out.to_bytes(), 207, media_type=XML)


def _pick(
    available: dict[str, Callable[[], Element]], wanted: list[str] | None, href: str
) -> tuple[str, list[Element], list[str]]:
    if wanted is None:
        everything = [build() for tag, build in available.items() if tag not in props.ON_REQUEST]
        return href, everything, []
    found = [available[tag]() for tag in wanted if tag in available]
    return href, found, [tag for tag in wanted if tag not in available]


def _report(uow: UnitOfWork, actor: Actor, target: Target, call: Call) -> Response:
    root = parse(call.body)
    if root is None or target.kind != "book":
        return Response(error_body(q(DAV, "supported-report")), 403, media_type=XML)
    wanted = requested(root) or [q(DAV, "getetag")]
    version = props.asked_version(root, call.headers.get("accept", ""))
    out = MultiStatus()
    if root.tag == q(CARDDAV, "addressbook-multiget"):
        names = {href: _name_in_book(actor, href) for href in hrefs(root)}
        cards = carddav.read_cards(actor, uow, [n for n in names.values() if n], version)
        for href, name in names.items():
            card = cards.get(name or "")
            if card is None:
                out.add_status(href, "404 Not Found")
            else:
                available = props.card_props(card.etag, card.text, version)
                out.add(*_pick(available, wanted, card_href(actor, card.href)))
    elif root.tag == q(DAV, "sync-collection"):
        token = root.findtext(q(DAV, "sync-token")) or ""
        changes = carddav.changes_since(actor, uow, token)
        data_asked = q(CARDDAV, "address-data") in wanted
        bodies = (
            carddav.read_cards(actor, uow, [c.href for c in changes.changed], version)
            if data_asked else {}
        )  # fmt: skip
        for card_ref in changes.changed:
            text = bodies[card_ref.href].text if card_ref.href in bodies else None
            available = props.card_props(card_ref.etag, text, version)
            out.add(*_pick(available, wanted, card_href(actor, card_ref.href)))
        for name in changes.removed:
            out.add_status(card_href(actor, name), "404 Not Found")
        out.add_text(q(DAV, "sync-token"), changes.sync_token)
    else:
        return Response(error_body(q(DAV, "supported-report")), 403, media_type=XML)
    return Response(out.to_bytes(), 207, media_type=XML)


def _name_in_book(actor: Actor, href: str) -> str | None:
    path = unquote(urlsplit(href).path)
    parent, _, name = path.rpartition("/")
    return name if parent + "/" == book_href(actor) and name else None


def _get(uow: UnitOfWork, actor: Actor, target: Target, call: Call) -> Response:
    if target.kind != "card":
        return _text(405, "GET a card; list the address book with PROPFIND", {"Allow": ALLOW})
    version = props.asked_version(None, call.headers.get("accept", ""))
    card = carddav.read_card(actor, uow, target.name, version)
    return Response(card.text.encode("utf-8"), 200, media_type=props.vcard_type(version),
                    headers={"ETag": f'"{card.etag}"'})  # fmt: skip


def _put(uow: UnitOfWork, actor: Actor, target: Target, call: Call) -> Response:
    if target.kind != "card":
        return _text(405, "PUT a card inside the address book", {"Allow": ALLOW})
    stored = carddav.put_card(
        actor, uow, target.name, call.body,
        if_match=_etags(call.headers.get("if-match")),
        if_none_match=_etags(call.headers.get("if-none-match")),
    )  # fmt: skip
    headers: dict[str, Any] = {}
    if stored.text.encode("utf-8") == call.body:  # RFC 6352 6.3.2.3: only for the same bytes
        headers["ETag"] = f'"{stored.etag}"'
    return Response(status_code=201 if stored.created else 204, headers=headers)


def _delete(uow: UnitOfWork, actor: Actor, target: Target, call: Call) -> Response:
    if target.kind != "card":
        return _text(403, "only cards can be deleted")
    carddav.delete_card(actor, uow, target.name, if_match=_etags(call.headers.get("if-match")))
    return Response(status_code=204)


def _etags(header: str | None) -> list[str] | None:
    if header is None:
        return None
    values = [v.strip().removeprefix("W/").strip('"') for v in header.split(",")]
    return [v for v in values if v]


def _text(status: int, message: str, headers: dict[str, str] | None = None) -> Response:
    return Response(message + "\n", status, media_type="text/plain; charset=utf-8",
                    headers={"DAV": DAV_HEADER, **(headers or {})})  # fmt: skip


HANDLERS: dict[str, Callable[[UnitOfWork, Actor, Target, Call], Response]] = {
    "PROPFIND": _propfind,
    "REPORT": _report,
    "GET": _get,
    "HEAD": _get,
    "PUT": _put,
    "DELETE": _delete,
}
