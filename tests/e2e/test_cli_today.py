"""`goodwill today` end to end: the daily agenda as JSON, as iCalendar, and tiers by name."""

from __future__ import annotations

import icalendar

from tests.e2e.cli import as_json, ok


def _seed(gw) -> None:
    ok(gw("contact", "add", "Ann Archer", "--tier", "inner"))
    ok(gw("contact", "add", "Bo Brown", "--tier", "B"))
    ok(gw("log", "coffee", "ann", "-m", "her new job", "--on", "-45d"))
    ok(gw("log", "call", "bo", "--on", "-20d"))
    ok(gw("task", "add", "Send Ann the deck", "--contact", "ann", "--due", "today"))
    ok(gw("give", "bo", "--kind", "advice"))


def test_today_json_has_every_section_with_reasons_and_the_week(gw):
    _seed(gw)
    day = as_json(gw("today", "--json"))
    assert [t["title"] for t in day["due_today"]] == ["Send Ann the deck"]
    assert (day["ask_steps"], day["asks_waiting"], day["overdue_tasks"]) == ([], [], [])
    [ann] = day["lapsed"]  # Bo, in the network tier, is not due for 70 more days
    assert (ann["contact"]["label"], ann["tier"]) == ("Ann Archer", "inner")
    assert ann["days_overdue"] == 15
    assert 0 < ann["strength"] <= 100 and ann["priority"] > 0
    assert any("her new job" in r for r in ann["reasons"])
    assert (day["week"]["gives"], day["week"]["asks"]) == (1, 0)
    text = ok(gw("today")).stdout
    assert "Going cold, worth a touch" in text and "her new job" in text
    assert "gave 1, asked 0" in text


def test_today_tasks_option_shows_some_and_says_how_many_in_all(gw):
    for days in (3, 2, 1):
        ok(gw("task", "add", f"late {days}", "--due", f"-{days}d"))
    day = as_json(gw("today", "--json", "--tasks", "1"))
    assert ([t["title"] for t in day["overdue_tasks"]], day["overdue_total"]) == (["late 3"], 3)
    text = ok(gw("today", "--tasks", "2")).stdout
    assert "Overdue (2 of 3;" in text and "late 2" in text and "late 1" not in text
    assert "Overdue (" not in ok(gw("today")).stdout
    # The iCalendar agenda carries every task, whatever the screen shows.
    assert ok(gw("today", "--ics")).stdout.count("BEGIN:VTODO") >= 3


def test_today_ics_writes_tasks_and_touches_with_stable_uids(gw):
    _seed(gw)
    first = ok(gw("today", "--ics")).stdout_bytes
    assert first == ok(gw("today", "--ics")).stdout_bytes
    calendar = icalendar.Calendar.from_ical(first)
    todos = {str(t["uid"]): t for t in calendar.walk("VTODO")}
    task_id = as_json(gw("today", "--json"))["due_today"][0]["id"]
    ann_id = as_json(gw("contact", "show", "ann", "--json"))["id"]
    assert set(todos) == {f"task-{task_id}@goodwill.local", f"touch-{ann_id}@goodwill.local"}
    assert "her new job" in str(todos[f"touch-{ann_id}@goodwill.local"]["description"])


def test_today_refuses_json_and_ics_together(gw):
    refused = gw("today", "--json", "--ics")
    assert refused.exit_code != 0
    assert "--ics" in refused.stderr


def test_tiers_by_name_in_add_list_and_show(gw):
    ok(gw("contact", "add", "Wen Wide", "--tier", "wider"))
    ok(gw("contact", "add", "Ian Inner", "--tier", "A"))
    listed = ok(gw("contact", "list", "--tier", "inner")).stdout
    assert "Ian Inner" in listed and "Wen Wide" not in listed and "inner" in listed
    assert "wider (every 365 days)" in ok(gw("contact", "show", "wen")).stdout
    bad = gw("contact", "add", "Zed", "--tier", "outer")
    assert bad.exit_code != 0 and "inner, network, wider" in bad.stderr
    assert "inner" in ok(gw("contact", "add", "--help")).stdout
