"""The WebDAV and CardDAV properties each kind of resource has, as builders by name."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from xml.etree.ElementTree import Element

from goodwill.dav.xml import CARDDAV, CS, DAV, container, href_element, q, text_element
from goodwill.services.carddav import BookInfo

Builders = dict[str, Callable[[], Element]]
VERSIONS = ("3.0", "4.0")
# Sent only when asked for by name, not for allprop (RFC 4918 allows leaving them out).
ON_REQUEST = frozenset({q(CARDDAV, "address-data"), q(DAV, "current-user-privilege-set")})
PRIVILEGES = ("read", "write", "write-content", "write-properties", "bind", "unbind")


@dataclass(frozen=True)
class Links:
    principal: str
    home: str
    book: str


def vcard_type(version: str) -> str:
    return "text/vcard; charset=utf-8" + ("; version=4.0" if version == "4.0" else "")


def asked_version(report: Element | None, accept: str) -> str:
    """vCard 3.0 unless the client asks for 4.0 (address-data's version, or Accept)."""
    if report is not None:
        for data in report.iter(q(CARDDAV, "address-data")):
            if data.get("version") in VERSIONS:
                return str(data.get("version"))
    accept = accept.lower().replace(" ", "")
    return "4.0" if "text/vcard;version=4.0" in accept and "version=3.0" not in accept else "3.0"


def _resourcetype(*kinds: str) -> Callable[[], Element]:
    return lambda: container(q(DAV, "resourcetype"), *(Element(k) for k in kinds))


def _href_prop(tag: str, href: str) -> Callable[[], Element]:
    return lambda: container(tag, href_element(href))


def _text(tag: str, value: str) -> Callable[[], Element]:
    return lambda: text_element(tag, value)


def _privileges() -> Element:
    return container(
        q(DAV, "current-user-privilege-set"),
        *(container(q(DAV, "privilege"), Element(q(DAV, p))) for p in PRIVILEGES),
    )


def _common(links: Links) -> Builders:
    return {
        q(DAV, "current-user-principal"): _href_prop(q(DAV, "current-user-principal"),
                                                     links.principal),
        q(DAV, "principal-URL"): _href_prop(q(DAV, "principal-URL"), links.principal),
        q(CARDDAV, "addressbook-home-set"): _href_prop(q(CARDDAV, "addressbook-home-set"),
                                                       links.home),
    }  # fmt: skip


def plain_props(kind: str, links: Links) -> Builders:
    """The root, the principal and the home: collections that point onwards."""
    types = {"root": (q(DAV, "collection"),), "home": (q(DAV, "collection"),),
             "principal": (q(DAV, "collection"), q(DAV, "principal"))}[kind]  # fmt: skip
    return {
        q(DAV, "resourcetype"): _resourcetype(*types),
        q(DAV, "displayname"): _text(q(DAV, "displayname"), "goodwill"),
        **_common(links),
    }


def _address_data_types() -> Element:
    return container(
        q(CARDDAV, "supported-address-data"),
        *(
            Element(q(CARDDAV, "address-data-type"),
                    {"content-type": "text/vcard", "version": v})
            for v in VERSIONS
        ),
    )  # fmt: skip


def _reports() -> Element:
    reports = (q(CARDDAV, "addressbook-multiget"), q(DAV, "sync-collection"))
    return container(
        q(DAV, "supported-report-set"),
        *(
            container(q(DAV, "supported-report"), container(q(DAV, "report"), Element(r)))
            for r in reports
        ),
    )


def book_props(links: Links, info: BookInfo) -> Builders:
    return {
        q(DAV, "resourcetype"): _resourcetype(q(DAV, "collection"), q(CARDDAV, "addressbook")),
        q(DAV, "displayname"): _text(q(DAV, "displayname"), info.name),
        q(CS, "getctag"): _text(q(CS, "getctag"), info.sync_token),
        q(DAV, "sync-token"): _text(q(DAV, "sync-token"), info.sync_token),
        q(CARDDAV, "supported-address-data"): _address_data_types,
        q(DAV, "supported-report-set"): _reports,
        q(DAV, "current-user-privilege-set"): _privileges,
        q(CARDDAV, "addressbook-description"): _text(
            q(CARDDAV, "addressbook-description"), "Every contact you may see in goodwill"
        ),
        q(CARDDAV, "max-resource-size"): _text(q(CARDDAV, "max-resource-size"), str(4 << 20)),
        **_common(links),
    }


def card_props(etag: str, text: str | None, version: str = "3.0") -> Builders:
    found: Builders = {
        q(DAV, "getetag"): _text(q(DAV, "getetag"), f'"{etag}"'),
        q(DAV, "getcontenttype"): _text(q(DAV, "getcontenttype"), vcard_type(version)),
        q(DAV, "resourcetype"): _resourcetype(),
        q(DAV, "current-user-privilege-set"): _privileges,
    }
    if text is not None:
        found[q(CARDDAV, "address-data")] = _text(q(CARDDAV, "address-data"), text)
    return found
