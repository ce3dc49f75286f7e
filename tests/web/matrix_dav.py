"""Authorization-matrix rows for CardDAV and its discovery URL.

The matrix's clients carry API tokens (Bearer): DAV takes only a dav token as a Basic
password, so every cell is 401 but OPTIONS (which clients send before signing in).
Who sees which card with a dav token is tests/web/test_dav_protocol.py's business
(owner, teammate and outsider against private and workspace contacts, with a canary).
"""

from __future__ import annotations


def _all(status):
    return {(role, record): status for role in ("owner", "teammate", "outsider")
            for record in ("private", "workspace")}  # fmt: skip


def _owner(owner, uow, canary, record, planted):
    return {"card": f"/dav/addressbooks/{owner.user_id}/contacts/{planted['id']}.vcf"}


ROWS = {
    ("GET", "/.well-known/carddav"): (lambda r: ("GET", "/.well-known/carddav", None), _all(401)),
    ("PROPFIND", "/.well-known/carddav"): (
        lambda r: ("PROPFIND", "/.well-known/carddav", None),
        _all(401),
    ),
    ("OPTIONS", "/dav/{path:path}"): (lambda r: ("OPTIONS", r["card"], None), _all(200), _owner),
    ("PROPFIND", "/dav/{path:path}"): (lambda r: ("PROPFIND", r["card"], None), _all(401), _owner),
    ("REPORT", "/dav/{path:path}"): (lambda r: ("REPORT", r["card"], None), _all(401), _owner),
    ("GET", "/dav/{path:path}"): (lambda r: ("GET", r["card"], None), _all(401), _owner),
    ("PUT", "/dav/{path:path}"): (lambda r: ("PUT", r["card"], None), _all(401), _owner),
    ("DELETE", "/dav/{path:path}"): (lambda r: ("DELETE", r["card"], None), _all(401), _owner),
}
