"""First contentful paint of every main page, as the browser itself measures it, on the
demo network; the figures are written to build/first-paint.txt (the README quotes them).
Each page also passes axe-core and raises no console error (CSP included)."""

from __future__ import annotations

import re

from tests.browser.conftest import ROOT, assert_accessible, first_contentful_paint

PAGES = ["/", "/contacts", "/ledger", "/asks", "/introductions", "/network", "/pipelines",
         "/import", "/import/duplicates", "/settings"]  # fmt: skip


def test_first_contentful_paint_of_the_main_pages(demo_page):
    page = demo_page
    page.goto("/contacts")
    contact = page.locator("a[href^='/contacts/']").first.get_attribute("href")
    page.goto("/pipelines")
    board = page.locator("a[href^='/pipelines/']").first.get_attribute("href")
    assert contact and re.fullmatch(r"/contacts/\d+", contact)
    assert board and re.fullmatch(r"/pipelines/\d+", board)
    figures = []
    for path in [*PAGES, contact, board, f"{board}/reports/funnel"]:
        response = page.goto(path)
        assert response is not None and response.status == 200, path
        paint = first_contentful_paint(page)
        assert paint is not None and 0 < paint < 10_000, (path, paint)
        assert_accessible(page)
        figures.append((path, paint))
    out = ROOT / "build" / "first-paint.txt"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text("".join(f"{path}\t{ms:.0f} ms\n" for path, ms in figures), encoding="utf-8")
