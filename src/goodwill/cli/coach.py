"""`goodwill coach FILE|-`: the outreach coach's findings on a draft, before you send it."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape
from rich.table import Table

from goodwill.cli import render
from goodwill.cli.state import console
from goodwill.domain.coach import ADVICE, READY, REWRITE, WARNING, Report
from goodwill.errors import ValidationFailed
from goodwill.services import coach

_COLOURS = {READY: "green", REWRITE: "red"}


def _read_draft(source: str) -> str:
    """The draft's text from a file or standard input ("-"), as UTF-8."""
    name = "stdin" if source == "-" else source
    try:
        raw = (
            typer.get_binary_stream("stdin").read() if source == "-" else Path(source).read_bytes()
        )
    except OSError as exc:
        raise ValidationFailed(name, f"cannot be read ({exc.strerror or exc})") from None
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ValidationFailed(name, "is not UTF-8 text") from None


def _render(report: Report) -> None:
    s = report.stats
    colour = _COLOURS.get(report.verdict, "yellow")
    console.print(
        f"[bold {colour}]{report.verdict}[/bold {colour}] — score {report.score}/100 "
        f"({report.kind}{', detected' if report.kind_detected else ''})"
    )
    console.print(
        f"{s.words} words, {s.sentences} sentences, {s.questions} question(s); "
        f"you/your {s.reader_words} × I/we/my/our {s.self_words}",
        style="dim",
    )
    if not report.findings:
        console.print("No findings: it reads well. Send it.")
        return
    grid = Table(show_lines=True)
    for column in ("", "check", "sentence", "suggestion"):
        grid.add_column(column, overflow="fold")
    for f in report.findings:
        mark = "[yellow]![/yellow]" if f.severity == WARNING else "[dim]i[/dim]"
        quoted = f"“{escape(f.sentence)}”" if f.sentence else "—"
        grid.add_row(mark, escape(ADVICE[f.code][0]), quoted, escape(f.suggestion))
    console.print(grid)


def coach_command(
    source: Annotated[
        str, typer.Argument(metavar="FILE|-", help="The draft: a text file, or - for stdin.")
    ],
    kind: Annotated[
        str,
        typer.Option(
            "--kind", help="ask, pitch, intro-request, reply, or auto (guessed from the text)."
        ),
    ] = "auto",
    as_json: Annotated[bool, typer.Option("--json", help="Print the report as JSON.")] = False,
) -> None:
    """Review a draft ask, pitch, intro request or reply: focus on the reader, why they
    should care, a plain ask, a question about them, a forwardable line, length.
    Exits 0 when the verdict is "ready", 1 when it needs work or a rewrite."""
    report = coach.review_draft(_read_draft(source), kind)
    if as_json:
        render.emit_json(report)
    else:
        _render(report)
    if report.verdict != READY:
        raise typer.Exit(1)
