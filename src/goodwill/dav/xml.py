"""WebDAV XML: bodies parsed with defusedxml (no DTDs, no entities, no external
references: a billion-laughs body is refused, not expanded), answers built with
ElementTree. Property names are in Clark notation, e.g. "{DAV:}getetag"."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Iterable

import defusedxml.ElementTree as safe
from defusedxml import DefusedXmlException

DAV = "DAV:"
CARDDAV = "urn:ietf:params:xml:ns:carddav"
CS = "http://calendarserver.org/ns/"
MAX_BODY = 1024 * 1024  # a PROPFIND or REPORT is a few KB; a multiget of 10k hrefs ~ 600 KB

ET.register_namespace("d", DAV)
ET.register_namespace("card", CARDDAV)
ET.register_namespace("cs", CS)


class BadXml(Exception):
    """A request body that is not acceptable XML (malformed, hostile, too large)."""


def q(ns: str, name: str) -> str:
    return f"{{{ns}}}{name}"


def parse(body: bytes) -> ET.Element | None:
    """The body's root element, None for an empty body."""
    if not body.strip():
        return None
    if len(body) > MAX_BODY:
        raise BadXml("the request body is too large")
    try:
        root: ET.Element = safe.fromstring(body, forbid_dtd=True)
    except (ET.ParseError, DefusedXmlException, ValueError) as exc:
        raise BadXml(f"the request body is not acceptable XML ({type(exc).__name__})") from exc
    return root


def requested_props(root: ET.Element | None) -> list[str] | None:
    """The properties a PROPFIND or REPORT asks for; None means all (allprop / empty)."""
    if root is None:
        return None
    prop = root.find(q(DAV, "prop"))
    if prop is None:
        if root.tag == q(DAV, "propfind") and root.find(q(DAV, "propname")) is None:
            if root.find(q(DAV, "allprop")) is None and len(root):
                raise BadXml("a propfind holds prop, allprop or propname")
        return None
    return [child.tag for child in prop]


def hrefs(root: ET.Element) -> list[str]:
    return [(h.text or "").strip() for h in root.iter(q(DAV, "href"))]


def text_element(tag: str, text: str) -> ET.Element:
    element = ET.Element(tag)
    element.text = text
    return element


def href_element(path: str) -> ET.Element:
    return text_element(q(DAV, "href"), path)


def container(tag: str, *children: ET.Element) -> ET.Element:
    element = ET.Element(tag)
    element.extend(children)
    return element


class MultiStatus:
    """A 207 body, response by response."""

    def __init__(self) -> None:
        self.root = ET.Element(q(DAV, "multistatus"))

    def add(self, href: str, found: Iterable[ET.Element], missing: Iterable[str] = ()) -> None:
        response = ET.SubElement(self.root, q(DAV, "response"))
        response.append(href_element(href))
        for elements, status in ((list(found), "200 OK"), ([ET.Element(t) for t in missing],
                                                           "404 Not Found")):  # fmt: skip
            if elements:
                propstat = ET.SubElement(response, q(DAV, "propstat"))
                propstat.append(container(q(DAV, "prop"), *elements))
                propstat.append(text_element(q(DAV, "status"), f"HTTP/1.1 {status}"))

    def add_status(self, href: str, status: str) -> None:
        response = ET.SubElement(self.root, q(DAV, "response"))
        response.append(href_element(href))
        response.append(text_element(q(DAV, "status"), f"HTTP/1.1 {status}"))

    def add_text(self, tag: str, text: str) -> None:
        self.root.append(text_element(tag, text))

    def to_bytes(self) -> bytes:
        return bytes(ET.tostring(self.root, encoding="utf-8", xml_declaration=True))


def error_body(*conditions: str) -> bytes:
    """A DAV:error body naming the failed preconditions (e.g. DAV:valid-sync-token)."""
    root = container(q(DAV, "error"), *(ET.Element(c) for c in conditions))
    return bytes(ET.tostring(root, encoding="utf-8", xml_declaration=True))
