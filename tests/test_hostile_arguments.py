"""Every command, every argument and option, given hostile values: never a traceback.

The command tree is walked from tracker.cli itself, so a new command or option is swept
without anyone remembering to add it. Each run replaces one parameter of a valid invocation
with a hostile value of its kind (huge and negative numbers, impossible and Buddhist-era
dates, empty, blank, invisible, NUL and undecodable text, very long text, paths that are not
there or are folders). A run may succeed or be refused, but it must end with exit 0, 1 or 2,
nothing but one "error: …" line on stderr when it fails, and never the last-resort "bug"
line.

Undecodable bytes in argv arrive in Python as lone surrogates (PEP 383), so "\\udcff" is what
a shell passes for the byte 0xFF; NUL cannot come through argv, but it can through any other
caller of the same code, so it is swept too.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import click
from conftest import DEMO_PLAN

import tracker.cli

HUGE = "9" * 5000
NUMBERS = ["0", "-1", "-5", "101", "99999999999999999999999", HUGE, "1e308", "nan", "abc", ""]
TEXT = ["", "  ", "\u200b", "a\x00b", "\udcff", "x" * 100_000, "'; DROP TABLE tasks; --"]
DATES = ["2027-02-30", "2569-11-01", "0001-01-01", "31 ก.พ. 2566", "พ.ย. " + HUGE, "x" * 10_000]
DATETIMES = ["2569-11-01T09:00", "2023-02-30T09:00", "yesterday", "9999-12-31T23:59:59-23:59"]
PATHS = ["/no/such/folder/file.json", "/", "{tmp}", "x" * 5000, "\x00"]

# A valid value for each parameter, by its name, for the invocation the sweep starts from.
VALID = {
    "task_id": "2",
    "percent": "50",
    "unit_name": "สำนักปลัด",
    "name": "กองคลัง",
    "new_name": "กองคลังใหม่",
    "source": "กองช่าง",
    "target": "กองคลัง",
    "channel": "email",
    "address": "finance@example.go.th",
    "file": str(DEMO_PLAN),
    "text": "พ.ย. 2569",
    "job_id": "dispatch",
    "message_id": "1",
    "token_id": "1",
    "username": "somchai",
    "meeting": "2026-12-16",
    "start": "2026-12-01",
    "end": "2026-12-31",
    "note": "ทดสอบ",
    "to_year": "2571",  # plans rollover --to: the year after the demo plan's
}
SERIES = "ประชุมหัวหน้าส่วนราชการ"
# Commands whose valid form starts a long-running or server-contacting process: only their
# option parsing is swept (every hostile value there must be refused before it starts).
PARSE_ONLY = {("run",), ("deploy",), ("serve",)}
SKIPPED = {("simulate",)}  # swept by its own tests; a valid hostile form replays months


def _commands(command: click.Command, path: tuple[str, ...] = ()) -> Iterator[tuple]:
    if isinstance(command, click.Group):
        for name in sorted(command.commands):
            yield from _commands(command.commands[name], (*path, name))
    if path:
        yield path, command


def _hostile_values(param: click.Parameter) -> list[str]:
    kind = param.type
    name = getattr(kind, "name", "")
    if isinstance(kind, click.Choice):
        return ["nope", "", *TEXT[3:5]]
    if isinstance(kind, click.Path):
        return PATHS
    if name in ("ID", "PERCENT", "BE_YEAR") or isinstance(
        kind, click.types.IntParamType | click.types.FloatParamType
    ):
        return NUMBERS
    if name == "DATE":
        return DATES
    if name == "DATETIME":
        return DATETIMES
    return TEXT


def _base(path: tuple[str, ...], command: click.Command) -> dict[str, list[str]]:
    """A valid invocation: each required argument and option, by parameter name."""
    base: dict[str, list[str]] = {}
    for param in command.params:
        if isinstance(param, click.Argument):
            value = SERIES if path[0] == "series" and param.name == "name" else VALID[param.name]
            base[param.name] = [value]
        elif param.required:
            base[param.name] = [param.opts[0], VALID.get(param.name, "x")]
    return base


def _invocations(tmp: Path) -> Iterator[tuple[str, list[str]]]:
    for path, command in _commands(tracker.cli.cli):
        if path in SKIPPED or (isinstance(command, click.Group) and command.no_args_is_help):
            continue
        base = _base(path, command)
        for param in command.params:
            if isinstance(param, click.Option) and (param.is_flag or param.hidden):
                continue
            for value in _hostile_values(param):
                value = value.replace("{tmp}", str(tmp))
                parts = dict(base)
                if isinstance(param, click.Argument):
                    parts[param.name] = [value]
                else:
                    parts[param.name] = [param.opts[0], value]
                if path in PARSE_ONLY and _parses(command, parts):
                    continue  # valid: it would start the scheduler or contact Prefect
                args = [*path, *[word for words in _ordered(command, parts) for word in words]]
                yield f"{' '.join(path)} {param.name}={value[:20]!r}", args
    for value in [*PATHS, "sqlite:///x"]:  # the global --db
        yield f"--db {value[:20]!r}", ["--db", value.replace("{tmp}", str(tmp)), "tasks"]


def _ordered(command: click.Command, parts: dict[str, list[str]]) -> list[list[str]]:
    arguments = [p.name for p in command.params if isinstance(p, click.Argument)]
    return [parts[n] for n in arguments if n in parts] + [
        words for name, words in parts.items() if name not in arguments
    ]


def _parses(command: click.Command, parts: dict[str, list[str]]) -> bool:
    try:
        command.make_context(
            "tracker",
            [w for words in _ordered(command, parts) for w in words],
            resilient_parsing=False,
        )
    except click.ClickException:
        return False
    return True


def test_every_command_given_hostile_values_fails_cleanly_or_succeeds(demo_cli, tmp_path):
    demo_cli.env(TRACKER_OUTBOX_DIR=str(tmp_path / "outbox"), COLUMNS="100")
    failures = []
    count = 0
    for label, args in _invocations(tmp_path):
        count += 1
        result = demo_cli(*args)
        problem = _problem(result)
        if problem:
            failures.append(f"tracker {label}: {problem}")
    assert count > 300  # the sweep really covers the tree
    assert not failures, f"{len(failures)} of {count} runs:\n" + "\n".join(failures[:40])


def _problem(result) -> str | None:  # type: ignore[no-untyped-def]
    if result.exit_code not in (0, 1, 2):
        return f"exit {result.exit_code}: {result.stderr.strip()[:300]}"
    if "Traceback" in result.stderr:
        return "a traceback"
    if result.exit_code == 0:
        return None
    lines = result.stderr.strip().splitlines()
    if len(lines) != 1 or not lines[0].startswith("error: "):
        return f"not one error line: {result.stderr[:300]!r}"
    if len(lines[0]) > 1000:
        return f"an error line of {len(lines[0])} characters"
    return None
