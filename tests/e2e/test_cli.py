"""The CLI end to end: parse, call services, render; errors are one line and an exit code."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from goodwill.cli.main import app
from goodwill.storage import migrate
from tests.e2e.cli import as_json, ok


def test_demo_then_today_shows_every_section(gw):
    said = " ".join(ok(gw("demo", "--contacts", "60", "--seed", "7")).stdout.split())
    assert "demo network: 60 contacts," in said
    assert said.endswith("asks, 2 pipelines, 35 opportunities")
    agenda = as_json(gw("today", "--json"))
    assert agenda["overdue_tasks"] and agenda["due_today"] and agenda["lapsed"]
    text = ok(gw("today")).stdout
    assert "Overdue" in text and "Due today" in text and "Going cold" in text


def test_demo_gives_the_goals_and_aging_reports_content(gw):
    ok(gw("demo", "--contacts", "20", "--seed", "4"))
    goals = as_json(gw("report", "goals", "--json"))
    assert [(g["metric"], g["target"]) for g in goals["goals"]] == [
        ("touches", 15),
        ("networking", 10),
        ("applications", 3),
        ("gives", 3),
        ("asks", 1),
    ]
    assert "No goals yet" not in ok(gw("report", "goals")).stdout
    aging = as_json(gw("report", "aging", "--json"))
    assert aging["aging"] >= 2 and len(aging["items"]) >= 2
    text = ok(gw("report", "aging")).stdout
    assert "Nothing is aging" not in text and "proposal" in text


def test_demo_refuses_a_non_empty_database_without_force(gw):
    ok(gw("demo", "--contacts", "5"))
    refused = gw("demo", "--contacts", "5")
    assert refused.exit_code == 4
    assert "--force" in refused.stderr
    ok(gw("demo", "--contacts", "5", "--force"))
    assert len(as_json(gw("contact", "list", "--json"))) == 10


def test_demo_same_seed_gives_same_people(tmp_path):
    runner = CliRunner()
    names = []
    for n in range(2):
        url = f"sqlite:///{tmp_path / f'd{n}.db'}"
        assert (
            runner.invoke(app, ["--db", url, "demo", "--contacts", "25", "--seed", "3"]).exit_code
            == 0
        )
        listed = json.loads(runner.invoke(app, ["--db", url, "contact", "list", "--json"]).stdout)
        names.append([(c["display_name"], c["primary_email"]) for c in listed])
    assert names[0] == names[1] and len(names[0]) == 25


def test_contact_lifecycle_add_show_edit_tag_archive_delete_restore(gw):
    added = as_json(
        gw(
            "contact",
            "add",
            "Zoë Ångström",
            "-e",
            "Zoe@Example.com",
            "-p",
            "(415) 555-0100",
            "--tier",
            "A",
            "--org",
            "Acme",
            "--title",
            "CTO",
            "--field",
            "twitter=@zoe",
            "--json",
        )
    )
    assert added["emails"][0]["email"] == "zoe@example.com"
    assert added["phones"][0]["e164"] == "+14155550100"
    assert added["cadence_days"] == 30
    shown = as_json(gw("contact", "show", "zoe", "--json"))
    assert shown["positions"][0]["organization"]["label"] == "Acme"
    assert shown["custom_fields"] == {"twitter": "@zoe"}
    ok(gw("contact", "edit", "zoe@example.com", "--tier", "none"))
    assert as_json(gw("contact", "show", "1", "--json"))["cadence_days"] is None
    ok(gw("contact", "tag", "zoe", "investor", "mentor"))
    assert [c["id"] for c in as_json(gw("contact", "list", "--tag", "INVESTOR", "--json"))] == [1]
    ok(gw("contact", "archive", "zoe"))
    assert as_json(gw("contact", "list", "--json")) == []
    ok(gw("contact", "archive", "zoe", "--undo"))
    ok(gw("contact", "delete", "zoe", "--yes"))
    assert gw("contact", "show", "1").exit_code == 3
    trash = as_json(gw("trash", "list", "--json"))
    assert [(t["kind"], t["id"]) for t in trash] == [("contact", 1)]
    ok(gw("trash", "restore", "contact", "1"))
    assert as_json(gw("contact", "show", "1", "--json"))["display_name"] == "Zoë Ångström"


def test_search_is_accent_case_and_phone_aware(gw):
    ok(gw("contact", "add", "Zoë Ångström", "-p", "+1 415-555-0100"))
    ok(gw("contact", "add", "Zack Other", "-p", "+1 212-555-0199"))
    for query in ("zoe", "ANGSTROM", "+1 415-555-0100", "4155550100", "(415) 555-0100"):
        found = as_json(gw("contact", "search", query, "--json"))
        assert [c["display_name"] for c in found] == ["Zoë Ångström"], query


def test_delete_without_yes_and_without_terminal_refuses(gw):
    ok(gw("contact", "add", "Ann Lee"))
    refused = gw("contact", "delete", "ann")
    assert refused.exit_code == 2
    assert "--yes" in refused.stderr
    assert as_json(gw("contact", "show", "ann", "--json"))["display_name"] == "Ann Lee"


@pytest.mark.parametrize(
    ("args", "code", "fragment"),
    [
        (["contact", "add", "Bad Email", "-e", "not-an-email"], 2, "not a valid email"),
        (["contact", "show", "nobody"], 3, "no contact matches 'nobody'"),
        (["task", "add", "x", "--due", "2026-13-45"], 2, "is not a date"),
        (["contact", "add", "Nul\x00Byte"], 2, "NUL byte"),
        (["contact", "add", "x" * 1_000_000], 2, "the limit is"),
        (["contact", "add", "Bad Phone", "-p", "12"], 2, "phone"),
        (["log", "telepathy", "ann"], 2, "channel"),
        (["contact", "add", "Cadence", "--cadence", "3m"], 2, "set a tier first"),
    ],
)
def test_bad_input_gets_one_specific_line_and_a_non_zero_exit(gw, args, code, fragment):
    result = gw(*args)
    assert result.exit_code == code
    assert fragment in result.stderr
    assert result.stderr.count("\n") == 1
    assert "Traceback" not in result.stderr + result.stdout


def test_failed_add_writes_nothing(gw):
    bad = gw("contact", "add", "Half Written", "-e", "good@example.com", "-e", "bad@")
    assert bad.exit_code == 2
    assert as_json(gw("contact", "list", "--json")) == []
    ok(gw("contact", "add", "Half Written", "-e", "good@example.com"))


def test_ambiguous_reference_lists_candidates(gw):
    ok(gw("contact", "add", "Ann Lee"))
    ok(gw("contact", "add", "Ann Lemon"))
    result = gw("contact", "show", "ann")
    assert result.exit_code == 4
    assert "#1 Ann Lee" in result.stderr and "#2 Ann Lemon" in result.stderr


def test_log_offers_to_complete_open_follow_up(gw):
    ok(gw("contact", "add", "Ann Lee"))
    task = as_json(
        gw("task", "add", "Follow up with Ann", "--contact", "ann", "--due", "today", "--json")
    )
    hint = ok(gw("log", "call", "ann", "-m", "caught up"))
    assert f"goodwill task done {task['id']}" in hint.stdout
    assert [t["id"] for t in as_json(gw("task", "list", "--json"))] == [task["id"]]
    done = ok(gw("log", "coffee", "ann", "--complete-follow-ups"))
    assert f"completed task #{task['id']}" in done.stdout
    assert as_json(gw("task", "list", "--json")) == []


def test_timeline_and_interaction_list(gw):
    ok(gw("contact", "add", "Ann Lee"))
    ok(gw("contact", "add", "Bo Chen"))
    ok(
        gw(
            "log",
            "meeting",
            "ann",
            "bo",
            "-m",
            "kickoff",
            "--on",
            "2026-01-05 10:00",
            "--by",
            "them",
        )
    )
    ok(gw("log", "email", "ann", "-m", "recap", "--on", "2026-01-06"))
    timeline = as_json(gw("timeline", "ann", "--json"))
    assert [i["summary"] for i in timeline] == ["recap", "kickoff"]
    assert timeline[1]["initiator"] == "them"
    assert {p["label"] for p in timeline[1]["participants"]} == {"Ann Lee", "Bo Chen"}
    assert len(as_json(gw("interaction", "list", "--channel", "email", "--json"))) == 1


def test_tasks_repeat_snooze_reschedule(gw):
    task = as_json(
        gw("task", "add", "Weekly review", "--due", "today", "--repeat", "weekly", "--json")
    )
    done = ok(gw("task", "done", str(task["id"])))
    assert "next:" in done.stdout
    upcoming = as_json(gw("task", "list", "--json"))
    assert len(upcoming) == 1 and upcoming[0]["recurrence"] == "weekly"
    ok(gw("task", "snooze", str(upcoming[0]["id"]), "--until", "+10d"))
    ok(gw("task", "reschedule", str(upcoming[0]["id"]), "2030-01-01"))
    assert as_json(gw("task", "list", "--json"))[0]["due_local"] == "2030-01-01"


def test_notes_on_contacts_and_organizations(gw):
    ok(gw("contact", "add", "Ann Lee", "--org", "Acme"))
    ok(gw("note", "add", "Loves sailing", "--contact", "ann"))
    ok(gw("note", "add", "Hiring in Q3", "--org", "acme"))
    notes = as_json(gw("note", "list", "--json"))
    assert {n["about"]["label"] for n in notes} == {"Ann Lee", "Acme"}
    org = as_json(gw("org", "show", "acme", "--json"))
    assert [p["contact"]["label"] for p in org["people"]] == ["Ann Lee"]


def test_teammate_never_sees_my_private_contact(gw):
    ok(gw("contact", "add", "Secret Person", "-e", "secret@example.com"))
    ok(gw("contact", "add", "Shared Person", "--visibility", "workspace"))
    ok(gw("user", "add", "bea@team.example", "--name", "Bea"))
    listed = as_json(gw("contact", "list", "--json", user="bea@team.example"))
    assert [c["display_name"] for c in listed] == ["Shared Person"]
    hidden = gw("contact", "show", "secret@example.com", user="bea@team.example")
    assert hidden.exit_code == 3 and "Secret" not in hidden.stderr


def test_settings_timezone_drives_today(gw):
    ok(gw("settings", "set", "timezone", "Pacific/Kiritimati"))
    assert as_json(gw("today", "--json"))["timezone"] == "Pacific/Kiritimati"
    bad = gw("settings", "set", "timezone", "Mars/Olympus")
    assert bad.exit_code == 2 and "time zone" in bad.stderr


def test_db_current_reports_revision(gw):
    ok(gw("contact", "list"))
    head = migrate.head_revision()
    assert f"database: {head}  goodwill: {head}" in ok(gw("db", "current")).stdout


def test_postgresql_needs_db_upgrade_first(empty_database_url):
    runner = CliRunner()
    if empty_database_url.startswith("sqlite"):
        assert runner.invoke(app, ["--db", empty_database_url, "contact", "list"]).exit_code == 0
        return
    refused = runner.invoke(app, ["--db", empty_database_url, "contact", "list"])
    assert refused.exit_code == 4 and "goodwill db upgrade" in refused.stderr
    assert runner.invoke(app, ["--db", empty_database_url, "db", "upgrade"]).exit_code == 0
    added = runner.invoke(app, ["--db", empty_database_url, "contact", "add", "Pat Postgres"])
    assert added.exit_code == 0, added.stderr


@pytest.mark.parametrize(
    ("url", "code", "fragment"),
    [
        ("not-a-url", 2, "is not a database URL"),
        ("postgresql+psycopg://nobody@127.0.0.1:1/none", 7, "cannot open the database"),
        ("sqlite:////proc/no-such-dir/goodwill.db", 7, "cannot create the database file"),
    ],
)
def test_unusable_database_gets_one_line_and_an_exit_code(url, code, fragment):
    result = CliRunner().invoke(app, ["--db", url, "contact", "list"])
    assert result.exit_code == code
    assert fragment in result.stderr and "Traceback" not in result.stderr


def test_import_undo_says_what_it_removed_and_what_it_kept(gw, tmp_path):
    def vcf(name: str, *people: tuple[str, str]) -> str:
        path = tmp_path / name
        path.write_text("".join(
            f"BEGIN:VCARD\r\nVERSION:3.0\r\nN:{last};{first};;;\r\nFN:{first} {last}\r\n"
            f"EMAIL:{first.lower()}@example.com\r\nORG:Engines\r\nEND:VCARD\r\n"
            for first, last in people
        ), encoding="utf-8")  # fmt: skip
        return str(path)

    ok(gw("import", vcf("one.vcf", ("Ada", "Lovelace"), ("Zoe", "Sato"))))
    first = as_json(gw("import", "list", "--json"))[0]["id"]
    ok(gw("note", "add", "met at the RI", "--contact", "ada@example.com"))
    text = ok(gw("import", "undo", str(first))).stdout
    assert "removed 1 contact, 1 email, 2 positions, 1 organization; reverted 0 fields" in text
    assert "kept 1 contact you have since added notes (1) to: #" in text
    assert gw("import", "undo", str(first)).exit_code == 4  # already undone

    ok(gw("import", vcf("two.vcf", ("Bob", "Ross"))))
    second = as_json(gw("import", "list", "--json"))[0]["id"]
    undone = as_json(gw("import", "undo", str(second), "--json"))
    assert undone["status"] == "undone"
    assert undone["undo"]["removed"]["contacts"] == 1 and undone["undo"]["kept_contacts"] == 0
