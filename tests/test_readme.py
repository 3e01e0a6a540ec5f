"""The README's examples are real: the files they name exist, and its console sessions print
what the README says they print.

Each ``console`` block of the sections below is run command by command, in a clone-like
folder (``examples/`` and ``../shared`` where a development clone has them), on a fresh
database per section, with the tour's clock (TRACKER_NOW) and a terminal 100 columns wide. An
output is compared whole, or as JSON when it is JSON; where the README elides ("…" or "..."),
the lines it keeps must appear in that order, a line cut by "…" matching by its beginning.
"""

from __future__ import annotations

import json
import re
import shlex
from pathlib import Path

import pytest
from conftest import ROOT, SHARED

README = (ROOT / "README.md").read_text(encoding="utf-8")
RUN_SECTIONS = (
    "A short tour",
    "Importing an ITA analysis report",
    "Next year's plan (rollover)",
    "Thai dates, meeting rules and calendars",
    "Plan documents",
)


def sections() -> dict[str, str]:
    parts = re.split(r"^## (.+)$", README, flags=re.MULTILINE)
    return {title.strip(): body for title, body in zip(parts[1::2], parts[2::2], strict=True)}


def console_blocks(text: str) -> list[str]:
    return re.findall(r"```console\n(.*?)```", text, flags=re.DOTALL)


def sessions(block: str) -> list[tuple[str, str]]:
    """(command line, what the README shows it printing) for each ``$`` line of a block."""
    found: list[tuple[str, list[str]]] = []
    for line in block.splitlines():
        if line.startswith("$ "):
            found.append((line[2:], []))
        elif found:
            found[-1][1].append(line)
    return [(command, "\n".join(lines)) for command, lines in found]


@pytest.fixture
def clone(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A folder laid out like a development clone: examples/ inside, ../shared beside."""
    folder = tmp_path / "clone"
    folder.mkdir()
    (folder / "examples").symlink_to(ROOT / "examples")
    (tmp_path / "shared").symlink_to(SHARED)
    monkeypatch.chdir(folder)
    return folder


def test_every_file_the_readme_imports_exists():
    examples = "\n".join(re.findall(r"```(?:console|sh)\n(.*?)```", README, flags=re.DOTALL))
    named = re.findall(r"tracker import (\S+\.(?:ya?ml|json|txt|md|xlsx))", examples)
    assert named
    for name in named:
        path = (ROOT / name) if not name.startswith("../shared/") else SHARED / name[10:]
        assert path.exists(), f"the README imports {name}, which does not exist"


@pytest.mark.parametrize("title", RUN_SECTIONS)
def test_the_readme_sessions_print_what_the_readme_shows(cli, clone, title):
    cli.env(COLUMNS="100")
    pairs = [pair for block in console_blocks(sections()[title]) for pair in sessions(block)]
    assert pairs, f"no console session in {title!r}"
    for command, shown in pairs:
        args = shlex.split(command)
        assert args[0] == "tracker"
        result = cli(*args[1:])
        printed = (result.stdout + result.stderr).rstrip("\n")
        assert_shows(printed, shown, command)


def assert_shows(printed: str, shown: str, command: str) -> None:
    printed_lines = [line.rstrip() for line in printed.splitlines()]
    shown_lines = [line.rstrip() for line in shown.splitlines()]
    if _is_json(shown):
        assert json.loads(printed) == json.loads(shown), command
        return
    if not any(_elided(line) for line in shown_lines):
        assert printed_lines == shown_lines, f"$ {command}"
        return
    position = 0
    for line in shown_lines:
        if line.strip() in ("…", "..."):
            continue
        prefix = line.split("…")[0].rstrip() if "…" in line else line
        while position < len(printed_lines) and not printed_lines[position].startswith(prefix):
            position += 1
        assert position < len(printed_lines), f"$ {command}: the README shows {line!r}"
        position += 1


def _elided(line: str) -> bool:
    return "…" in line or line.strip() == "..."


def _is_json(text: str) -> bool:
    try:
        json.loads(text)
    except ValueError:
        return False
    return True
