"""/docs works offline (assets from the package) and under the CSP; /openapi.json is valid."""

from __future__ import annotations

import re


def test_docs_page_references_no_external_url(anon):
    page = anon.get("/docs")
    assert page.status_code == 200
    assert not re.search(r"(https?:)?//[a-z0-9.-]+\.[a-z]", page.text, re.I), page.text
    for asset in re.findall(r'(?:src|href)="([^"]+)"', page.text):
        assert asset.startswith("/static/")
        assert anon.get(asset).status_code == 200


def test_docs_inline_script_carries_the_nonce_the_csp_allows(anon):
    page = anon.get("/docs")
    csp = page.headers["content-security-policy"]
    nonce = re.search(r"'nonce-([^']+)'", csp).group(1)
    inline = re.findall(r"<script( [^>]*)?>\s*\S", page.text)
    assert inline and all(f'nonce="{nonce}"' in attrs for attrs in inline if "src=" not in attrs)
    assert "default-src 'self'" in csp and "unsafe-inline" not in csp and "http" not in csp
    assert anon.get("/docs").headers["content-security-policy"] != csp  # per response


def test_every_response_has_the_security_headers(anon):
    for path in ("/openapi.json", "/api/v1/contacts", "/static/swagger-ui.css"):
        headers = anon.get(path).headers
        assert headers["content-security-policy"].startswith("default-src 'self'")
        assert headers["x-content-type-options"] == "nosniff"
        assert headers["x-frame-options"] == "DENY"


def test_openapi_describes_the_api(anon):
    spec = anon.get("/openapi.json").json()
    assert spec["openapi"].startswith("3.")
    assert {"/api/v1/contacts", "/api/v1/contacts/{contact_id}", "/api/v1/tokens"} <= set(
        spec["paths"]
    )
    name = spec["components"]["schemas"]["ContactIn"]["properties"]["name"]
    assert name["anyOf"][0]["maxLength"] == 200
