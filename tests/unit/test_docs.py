"""Docs that can't rot: every command has help and appears in the README's reference."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import typer

from goodwill.cli.main import app

README = Path(__file__).resolve().parents[2] / "README.md"


def _commands(group: Any, prefix: tuple[str, ...] = ()) -> Iterator[tuple[str, Any]]:
    for name, command in sorted(group.commands.items()):
        if command.hidden:  # run by goodwill itself (e.g. the web page's scan job)
            continue
        path = (*prefix, name)
        if hasattr(command, "commands"):
            yield " ".join(path), command
            yield from _commands(command, path)
        else:
            yield " ".join(path), command


COMMANDS = list(_commands(typer.main.get_command(app)))


def test_the_cli_has_commands_to_document():
    names = {name for name, _ in COMMANDS}
    assert {"today", "demo", "contact add", "contact search", "trash restore"} <= names


@pytest.mark.parametrize(("name", "command"), COMMANDS, ids=[n for n, _ in COMMANDS])
def test_every_command_has_help_text(name, command):
    assert (command.help or "").strip(), f"`goodwill {name}` has no help text"


@pytest.mark.parametrize(("name", "command"), COMMANDS, ids=[n for n, _ in COMMANDS])
def test_every_option_and_argument_has_help_text(name, command):
    if hasattr(command, "commands"):
        return
    missing = [
        p.name
        for p in command.params
        if p.name not in {"help"} and not (getattr(p, "help", None) or "").strip()
    ]
    assert missing == [], f"`goodwill {name}`: parameters without help: {missing}"


@pytest.mark.parametrize(("name", "command"), COMMANDS, ids=[n for n, _ in COMMANDS])
def test_every_command_is_in_the_readme_reference(name, command):
    reference = README.read_text(encoding="utf-8").split("## Command reference", 1)
    assert len(reference) == 2, "README.md has no '## Command reference' section"
    assert f"`goodwill {name}" in reference[1], f"`goodwill {name}` is missing from the README"
