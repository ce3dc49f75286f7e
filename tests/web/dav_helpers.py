"""CardDAV test helpers: a client signed in with a dav token, and readers of 207 bodies."""

from __future__ import annotations

import base64
import re
import xml.etree.ElementTree as ET
from collections.abc import Iterator

from fastapi.testclient import TestClient

from goodwill.services import auth

D = "{DAV:}"
CARD = "{urn:ietf:params:xml:ns:carddav}"
PROP_ETAG = b'<propfind xmlns="DAV:"><prop><getetag/></prop></propfind>'


def basic(token: str, user: str = "me@example.com") -> dict[str, str]:
    return {"Authorization": "Basic " + base64.b64encode(f"{user}:{token}".encode()).decode()}


def dav_client(app, uow, actor) -> Iterator[TestClient]:
    _, raw = auth.create_token(actor, uow, "phone", "dav")
    with TestClient(app, headers=basic(raw)) as client:
        yield client


def book(actor) -> str:
    return f"/dav/addressbooks/{actor.user_id}/contacts/"


def responses(body: str) -> dict[str, ET.Element]:
    root = ET.fromstring(body)
    return {r.findtext(f"{D}href") or "": r for r in root.iter(f"{D}response")}


def etags(client: TestClient, actor) -> dict[str, str]:
    """href -> ETag of every card in the actor's book (a Depth 1 PROPFIND)."""
    reply = client.request("PROPFIND", book(actor), headers={"Depth": "1"}, content=PROP_ETAG)
    assert reply.status_code == 207, reply.text
    return {
        href: r.findtext(f".//{D}getetag") or ""
        for href, r in responses(reply.text).items()
        if href != book(actor)
    }


def sync(client: TestClient, actor, token: str = "", data: bool = False) -> tuple[int, dict, str]:
    """(status, {href: etag or a status line}, new token) of a sync-collection REPORT."""
    prop = "<getetag/>" + ('<C:address-data xmlns:C="urn:ietf:params:xml:ns:carddav"/>'
                           if data else "")  # fmt: skip
    body = (f'<sync-collection xmlns="DAV:"><sync-token>{token}</sync-token>'
            f"<sync-level>1</sync-level><prop>{prop}</prop></sync-collection>")  # fmt: skip
    reply = client.request("REPORT", book(actor), content=body.encode())
    if reply.status_code != 207:
        return reply.status_code, {}, ""
    found = {}
    for href, r in responses(reply.text).items():
        status = r.findtext(f"{D}status")
        found[href] = status if status else r.findtext(f".//{D}getetag")
    return 207, found, ET.fromstring(reply.text).findtext(f"{D}sync-token") or ""


def href_of(cards: dict[str, str], client: TestClient, name: str) -> str:
    for href in cards:
        reply = client.get(href)
        if reply.status_code == 200 and re.search(rf"^FN:{re.escape(name)}\r?$", reply.text, re.M):
            return href
    raise AssertionError(f"no card for {name}")
