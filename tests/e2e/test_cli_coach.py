"""`goodwill coach FILE|-` end to end: files and stdin, tables and JSON, exit codes."""

from __future__ import annotations

import json
from pathlib import Path

from tests.e2e.cli import as_json, ok

DATA = Path(__file__).resolve().parents[1] / "data" / "coach"
GOOD = DATA / "good_short_note.txt"
BAD = DATA / "features_pitch_cold_intro.txt"


def table_rows(stdout: str) -> list[list[str]]:
    """The cells of a Rich table with lines between rows, each cell's wrapped lines joined."""
    rows: list[list[str]] = []
    current: list[list[str]] = []
    for line in stdout.splitlines():
        if line.startswith("│"):
            cells = [c.strip() for c in line.strip("│").split("│")]
            current = current or [[] for _ in cells]
            for parts, cell in zip(current, cells, strict=True):
                parts.append(cell)
        elif line.startswith(("├", "└")) and current:
            rows.append([" ".join(p for p in parts if p) for parts in current])
            current = []
    return rows


def test_coach_passes_a_good_note_from_a_file(gw):
    text = ok(gw("coach", str(GOOD))).stdout
    assert text.startswith("ready — score")
    assert "(ask, detected)" in text


def test_coach_flags_a_bad_pitch_with_quoted_sentences_and_exits_1(gw):
    result = gw("coach", str(BAD))
    assert result.exit_code == 1, result.stderr
    assert result.stdout.startswith("rewrite — score")
    rows = {check: (mark, quote, tip) for mark, check, quote, tip in table_rows(result.stdout)}
    ask = "“Could you introduce me to the head of operations at Globex?”"
    assert rows["no reason for them to care"][:2] == ("!", ask)
    assert rows["no question about them"][:2] == ("!", ask)
    assert rows["about you, not them"][0] == "!"
    assert rows["about you, not them"][2].startswith("It says I/we/my/our 7 times and you/your 1.")
    assert rows["how long it takes is unclear"][0] == "i"


def test_coach_reads_stdin_and_prints_json(gw):
    result = gw("coach", "-", "--json", input=GOOD.read_text(encoding="utf-8"))
    report = as_json(result)
    assert (report["verdict"], report["kind"], report["kind_detected"]) == ("ready", "ask", True)
    assert [f for f in report["findings"] if f["severity"] == "warning"] == []
    assert report["stats"]["greeting"] == "Hi Ana," and report["stats"]["signoff"] == "Best,"


def test_coach_json_of_a_bad_draft_still_prints_and_exits_1(gw):
    result = gw("coach", str(BAD), "--json", "--kind", "pitch")
    assert result.exit_code == 1
    report = json.loads(result.stdout)
    assert report["kind"] == "pitch" and report["kind_detected"] is False
    found = {f["code"]: f for f in report["findings"]}
    assert {"self-focus", "missing-why", "no-reader-question"} <= set(found)
    assert found["missing-why"]["sentence"].startswith("Could you introduce me")
    assert found["self-focus"]["suggestion"]


def test_coach_kind_changes_what_a_reply_is_held_to(gw):
    reply = DATA / "good_reply_quoted.txt"
    assert as_json(gw("coach", str(reply), "--json"))["kind"] == "reply"
    assert gw("coach", str(reply), "--kind", "ask").exit_code == 1


def test_coach_refuses_an_empty_draft_with_a_clear_error(gw, tmp_path):
    empty = tmp_path / "empty.txt"
    empty.write_text(" \r\n\n", encoding="utf-8")
    for result in (gw("coach", str(empty)), gw("coach", "-", input="")):
        assert result.exit_code == 2
        assert "error: draft: is empty" in result.stderr
        assert result.stdout == ""


def test_coach_refuses_missing_binary_and_unknown_kind(gw, tmp_path):
    missing = gw("coach", str(tmp_path / "nope.txt"))
    assert missing.exit_code == 2 and "cannot be read" in missing.stderr
    binary = tmp_path / "draft.bin"
    binary.write_bytes(b"\xff\xfe\x00\x81 not text")
    decoded = gw("coach", str(binary))
    assert decoded.exit_code == 2 and "is not UTF-8 text" in decoded.stderr
    folder = gw("coach", str(tmp_path))
    assert folder.exit_code == 2 and "cannot be read" in folder.stderr
    kind = gw("coach", str(GOOD), "--kind", "memo")
    assert kind.exit_code == 2 and "kind: must be one of" in kind.stderr


def test_coach_reads_a_utf8_bom_and_crlf_file(gw, tmp_path):
    draft = tmp_path / "crlf.txt"
    text = GOOD.read_text(encoding="utf-8").replace("\n", "\r\n")
    draft.write_bytes(b"\xef\xbb\xbf" + text.encode("utf-8"))
    crlf = as_json(gw("coach", str(draft), "--json"))
    assert crlf == as_json(gw("coach", str(GOOD), "--json"))
