"""WebDAV XML: bodies parsed with defusedxml (no DTDs, no entities, no external
references: a billion-laughs body is refused, not expanded), answers built with
ElementTree. Property names are in Clark notation, e.g. "{DAV:}getetag"."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Iterable
from xml.sax.saxutils import escape

import defusedxml.ElementTree as safe
from defusedxml import DefusedXmlException

DAV = "DAV:"
CARDDAV = "urn:ietf:params:xml:ns:carddav"
CS = "http://calendarserver.org/ns/"
QUOTE = {'"': "&quot;"}
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


PREFIXES = {DAV: "d", CARDDAV: "card", CS: "cs"}


def to_text(element: ET.Element) -> str:
    """One element as XML text, our namespaces by their prefixes (declared on the root of
    a multistatus), any other declared where it is used. ElementTree's own serializer
    walks the whole tree for namespaces first: for 10,000 cards this is 4× faster."""
    ns, _, name = element.tag[1:].partition("}") if element.tag[0] == "{" else ("", "", element.tag)
    prefix = PREFIXES.get(ns)
    if prefix is None:
        tag, declare = f"x:{name}", f' xmlns:x="{escape(ns, QUOTE)}"' if ns else ""
        tag = tag if ns else name
    else:
        tag, declare = f"{prefix}:{name}", ""
    attributes = "".join(f' {k}="{escape(v, QUOTE)}"' for k, v in element.attrib.items())
    inner = escape(element.text or "") + "".join(to_text(child) for child in element)
    if not inner:
        return f"<{tag}{declare}{attributes}/>"
    return f"<{tag}{declare}{attributes}>{inner}</{tag}>"


class MultiStatus:
    """A 207 body, response by response (kept as text)."""

    def __init__(self) -> None:
        self.parts: list[str] = []

    def add(self, href: str, found: Iterable[ET.Element], missing: Iterable[str] = ()) -> None:
        parts = ["<d:response><d:href>", escape(href), "</d:href>"]
        for elements, status in ((list(found), "200 OK"), ([ET.Element(t) for t in missing],
                                                           "404 Not Found")):  # fmt: skip
            if elements:
                parts.append("<d:propstat><d:prop>")
                parts.extend(to_text(e) for e in elements)
                parts.append(f"</d:prop><d:status>HTTP/1.1 {status}</d:status></d:propstat>")
        parts.append("</d:response>")
        self.parts.append("".join(parts))

    def add_status(self, href: str, status: str) -> None:
        self.parts.append(
            f"<d:response><d:href>{escape(href)}</d:href>"
            f"<d:status>HTTP/1.1 {status}</d:status></d:response>"
        )

    def add_text(self, tag: str, text: str) -> None:
        self.parts.append(to_text(text_element(tag, text)))

    def to_bytes(self) -> bytes:
        declared = " ".join(f'xmlns:{p}="{ns}"' for ns, p in PREFIXES.items())
        head = f"<?xml version='1.0' encoding='utf-8'?>\n<d:multistatus {declared}>"
        return (head + "".join(self.parts) + "</d:multistatus>").encode("utf-8")


def error_body(*conditions: str) -> bytes:
    """A DAV:error body naming the failed preconditions (e.g. DAV:valid-sync-token)."""
    root = container(q(DAV, "error"), *(ET.Element(c) for c in conditions))
    return bytes(ET.tostring(root, encoding="utf-8", xml_declaration=True))
