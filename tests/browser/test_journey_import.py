"""Import in a real browser: a vCard file uploaded, its progress polled to the end, its
contacts listed, then undone; and the duplicates review: a scan in the background, the
pair it found, its merge preview, the merge."""

from __future__ import annotations

from uuid import uuid4

from tests.browser.conftest import assert_accessible, shot, sign_up


def _vcard(people: list[tuple[str, str, str]]) -> str:
    cards = []
    for first, last, extra in people:
        cards.append(
            f"BEGIN:VCARD\r\nVERSION:3.0\r\nFN:{first} {last}\r\nN:{last};{first};;;\r\n"
            f"{extra}END:VCARD\r\n"
        )
    return "".join(cards)


def _upload(page, path) -> None:
    page.goto("/import")
    page.get_by_label("File", exact=True).set_input_files(str(path))
    page.get_by_label("Format").select_option("vcard")
    page.get_by_role("button", name="Import", exact=True).click()
    page.wait_for_url("**/import/*")


def test_import_a_vcard_file_watch_it_finish_and_undo_it(page, tmp_path):
    sign_up(page)
    tag = uuid4().hex[:6].capitalize()
    people = [("Grace", f"Hopper{tag}", ""), ("Alan", f"Turing{tag}", ""),
              ("Ada", f"Lovelace{tag}", "EMAIL:ada@engines.example\r\n")]  # fmt: skip
    path = tmp_path / "people.vcf"
    path.write_text(_vcard(people), encoding="utf-8")
    page.goto("/import")
    assert page.get_by_text("No imports yet.").is_visible()
    assert_accessible(page)
    _upload(page, path)
    # The job's page polls its progress until the import is done.
    page.wait_for_selector("#import-progress[data-status=completed]")
    assert page.get_by_role("heading", name="Done").is_visible()
    assert page.locator("progress.im-bar").get_attribute("value") == "1"
    listed = page.locator(".im-contacts li").all_inner_texts()
    assert sorted(listed) == sorted(f"{first} {last}" for first, last, _ in people)
    assert_accessible(page)
    shot(page, "import")
    page.goto("/import")
    assert page.get_by_role("link", name="people.vcf").is_visible()
    assert page.locator("table.im-runs tbody tr").count() == 1
    assert_accessible(page)
    page.get_by_role("link", name="people.vcf").click()
    page.get_by_role("button", name="Undo this import").click()
    page.wait_for_selector("#import-progress[data-status=undone]")
    assert page.locator(".im-contacts li").count() == 0
    assert f"Hopper{tag}" not in page.content()
    assert_accessible(page)


def test_scan_for_duplicates_preview_the_pair_and_merge_it(page, tmp_path):
    sign_up(page)
    path = tmp_path / "nasa.vcf"
    path.write_text(
        _vcard([("Katherine", "Johnson", "ORG:NASA\r\nEMAIL:kj@nasa.example\r\n"),
                ("Katharine", "Johnson", "ORG:NASA\r\nTEL:+12025550100\r\n")]),
        encoding="utf-8",
    )  # fmt: skip
    _upload(page, path)
    page.wait_for_selector("#import-progress[data-status=completed]")
    page.goto("/import")
    page.get_by_role("link", name="Review likely duplicates").click()
    page.get_by_role("heading", name="Likely duplicates").wait_for()
    # Nothing scanned yet: the page offers the scan, which runs in a process of its own
    # (the page polls it while it runs and reloads when it is done).
    assert page.get_by_text("Not scanned yet").is_visible()
    assert page.get_by_role("link", name="Preview merge").count() == 0
    assert_accessible(page)
    page.get_by_role("button", name="Scan for duplicates").click()
    page.wait_for_url("**/import/duplicates")
    page.wait_for_selector("#dupe-scan[data-status=done]")
    page.get_by_role("link", name="Preview merge").first.wait_for()
    assert page.get_by_text("Last scanned at").is_visible()
    assert page.get_by_role("button", name="Scan again").is_visible()
    row = page.locator("table.im-dupes tbody tr")
    assert row.count() == 1 and row.inner_text().count("Johnson") == 2
    assert_accessible(page)
    shot(page, "duplicates")
    page.get_by_role("link", name="Preview merge").first.click()
    page.get_by_role("heading", name="The merged contact").wait_for()
    shot(page, "merge-preview")
    fields = page.locator(".im-fields").inner_text()
    assert "kj@nasa.example" in fields and "202" in fields
    assert_accessible(page)
    page.get_by_role("button", name="Merge").click()
    page.wait_for_url("**/import/duplicates")
    assert page.get_by_text("No likely duplicates").is_visible()
    assert page.locator("table.im-dupes").count() == 0
    assert_accessible(page)


def test_a_longer_import_shows_its_progress_while_it_runs(page, tmp_path):
    """Ten thousand cards take seconds: the job's page opens while the import runs, shows
    an indeterminate progress bar and polls (htmx, every second) until it is done."""
    sign_up(page)
    path = tmp_path / "many.vcf"
    path.write_text(
        _vcard([(f"Person{n}", "Bulk", f"EMAIL:p{n}@bulk.example\r\n") for n in range(10_000)]),
        encoding="utf-8",
    )
    polls: list[str] = []
    page.on("request", lambda r: r.url.endswith("/progress") and polls.append(r.url))
    _upload(page, path)
    assert page.locator("#import-progress").get_attribute("data-status") == "running"
    assert page.get_by_role("heading", name="Importing…").is_visible()
    assert page.locator("progress.im-bar").get_attribute("value") is None
    assert_accessible(page)
    page.wait_for_selector("#import-progress[data-status=completed]", timeout=60_000)
    assert polls, "the page never asked for the import's progress"
    assert page.locator(".im-counts").inner_text().startswith("10000 read")
    assert page.get_by_role("heading", name="Contacts it brought in").is_visible()
