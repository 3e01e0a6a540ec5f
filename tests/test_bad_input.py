"""Nothing bad gets in: each class of bad input is one clear line, exit 2 (1 for a refusal),
and a database exactly as it was.

The database is compared whole (every row of every table) before and after each refused
command. Expected words come from the rules the product states (README "Plan documents",
schedules.rrules, tracker.inputs, tracker.notify.addresses), not from its output.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import yaml
from conftest import DEMO_PLAN
from sqlalchemy import MetaData, create_engine, select, text

# --- helpers ---------------------------------------------------------------------------------


def snapshot(url: str) -> dict[str, list[str]]:
    """Every row of every table of the database, as sorted text, to compare whole."""
    engine = create_engine(url)
    try:
        metadata = MetaData()
        metadata.reflect(engine)
        with engine.connect() as connection:
            return {
                table.name: sorted(repr(tuple(row)) for row in connection.execute(select(table)))
                for table in metadata.sorted_tables
            }
    finally:
        engine.dispose()


def refusal(result, code: int = 2) -> str:  # type: ignore[no-untyped-def]
    """The one stderr line of a refused command (no traceback, nothing on stdout)."""
    assert result.exit_code == code, (result.exit_code, result.stdout, result.stderr)
    assert "Traceback" not in result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("error: ")
    return lines[0]


def demo() -> dict[str, Any]:
    return yaml.safe_load(DEMO_PLAN.read_text(encoding="utf-8"))


def with_change(path: tuple[Any, ...], value: Any) -> dict[str, Any]:
    """The demo plan with the value at ``path`` replaced."""
    document = demo()
    target: Any = document
    for step in path[:-1]:
        target = target[step]
    target[path[-1]] = value
    return document


def write_json(tmp_path: Path, document: Any, name: str = "plan.json") -> Path:
    path = tmp_path / name
    path.write_text(json.dumps(document, ensure_ascii=False, indent=2), encoding="utf-8")
    return path


def write_text(tmp_path: Path, content: str, name: str) -> Path:
    path = tmp_path / name
    path.write_text(content, encoding="utf-8", errors="surrogatepass")
    return path


@pytest.fixture
def guarded(demo_cli, database_url):  # type: ignore[no-untyped-def]
    """The demo plan imported; yields the CLI, and after the test checks nothing changed."""
    before = snapshot(database_url)
    yield demo_cli
    assert snapshot(database_url) == before


SERIES_RULE = ("meeting_series", 0, "rrule")
FIRST_TASK = ("measures", 0, "tasks", 0)

# --- 1. meeting rules -------------------------------------------------------------------------

BAD_RULES = [
    ("FREQ=MONTHLY;BYDAY=9WE", "week 9"),
    ("FREQ=WEEKLY;INTERVAL=-1", "INTERVAL=-1"),
    ("FREQ=WEEKLY;INTERVAL=0", "INTERVAL=0"),
    ("FREQ=SECONDLY", "FREQ=SECONDLY"),
    ("FREQ=MONTHLY;COUNT=3;BYDAY=1WE", "COUNT"),
]


@pytest.mark.parametrize(("rule", "words"), BAD_RULES)
def test_a_plan_with_a_rule_meetings_cannot_follow_is_refused_and_nothing_breaks(
    guarded, tmp_path, rule, words
):
    path = write_json(tmp_path, with_change(SERIES_RULE, rule))

    line = refusal(guarded("import", str(path)))

    assert f"{path}:" in line
    assert "meeting_series[0].rrule" in line
    assert words in line
    for command in (["overview"], ["meetings"], ["remind", "--dry-run"]):
        guarded.ok(*command)


def test_a_rule_meetings_cannot_follow_is_refused_by_meetings_rule_at_once(cli):
    line = refusal(cli("meetings", "--rule", "FREQ=WEEKLY;INTERVAL=0"))
    assert "INTERVAL=0" in line


def test_a_bad_rule_stored_by_an_older_version_is_one_line_and_skipped_by_the_jobs(
    demo_cli, database_url
):
    engine = create_engine(database_url)
    with engine.begin() as connection:  # what a database written before the check may hold
        connection.execute(text("UPDATE meeting_series SET rrule = 'FREQ=WEEKLY;INTERVAL=0'"))
    engine.dispose()

    for command in (["overview"], ["meetings"]):
        line = refusal(demo_cli(*command))
        assert "ประชุมหัวหน้าส่วนราชการ" in line
        assert "INTERVAL=0" in line
    # The jobs plan every other series; this one is logged and gets no reminders.
    result = demo_cli.ok("remind", "--dry-run", "--json")
    assert all(item["job"] != "meeting-reminder" for r in result.json() for item in r["items"])


# --- 4. everyday mistakes that were tracebacks -----------------------------------------------


@pytest.mark.parametrize(
    "args",
    [["export", "-o", "{missing}/plan.json"], ["meetings", "--ics", "-o", "{missing}/x.ics"]],
    ids=["export", "meetings-ics"],
)
def test_writing_into_a_folder_that_does_not_exist_is_one_line(guarded, tmp_path, args):
    missing = tmp_path / "no" / "such"
    line = refusal(guarded(*[a.format(missing=missing) for a in args]))
    assert f"the folder {missing} does not exist" in line
    assert not missing.exists()


def test_a_db_that_is_not_a_database_is_one_line(cli, tmp_path):
    path = tmp_path / "notes.db"
    path.write_text("not a database\n", encoding="utf-8")
    line = refusal(cli("--db", str(path), "tasks"))
    assert "file is not a database" in line
    assert path.read_text(encoding="utf-8") == "not a database\n"


def test_a_sqlite_file_of_another_program_is_left_untouched(cli, tmp_path):
    path = tmp_path / "other.db"
    engine = create_engine(f"sqlite:///{path}")
    with engine.begin() as connection:
        connection.execute(text("CREATE TABLE invoices (id INTEGER PRIMARY KEY)"))
    engine.dispose()
    line = refusal(cli("--db", str(path), "import", str(DEMO_PLAN)))
    assert "another program's tables (invoices)" in line
    assert snapshot(f"sqlite:///{path}") == {"invoices": []}


@pytest.mark.parametrize(
    ("url", "words"),
    [
        ("mysql://tracker:s3cret@db.example/ita", "unsupported database 'mysql'"),
        ("::not a url::", "is not a database URL"),
        ("postgresql+psycopg2://tracker:s3cret@db.example/ita", "unsupported database"),
    ],
)
def test_a_malformed_or_unsupported_database_url_is_one_line_without_its_password(cli, url, words):
    cli.env(TRACKER_DATABASE_URL=url)
    line = refusal(cli("tasks"))
    assert line.startswith("error: TRACKER_DATABASE_URL: ")
    assert words in line
    assert "s3cret" not in line


@pytest.mark.parametrize(
    "args",
    [
        ["tasks", "show", "99999999999999999999999"],
        ["tasks", "history", "9223372036854775808"],
        ["done", "18446744073709551616", "--by", "กองคลัง"],
        ["export", "--plan", "99999999999"],
        ["outbox", "retry", "4294967296"],
    ],
)
def test_an_id_beyond_what_a_database_holds_is_bad_input(guarded, args):
    line = refusal(guarded(*args))
    assert "is not an id (a whole number from 1 to 2,147,483,647)" in line


def test_a_5000_digit_year_is_one_short_line(cli):
    line = refusal(cli("period", "พ.ย. " + "9" * 5000))
    assert "too long for a period" in line
    assert len(line) < 300


DEEP = "[" * 10000 + "]" * 10000


@pytest.mark.parametrize(
    ("make", "words"),
    [
        (lambda p: write_text(p, _json_with_title('"a\\ud800b"'), "plan.json"), "U+D800"),
        (lambda p: write_json(p, with_change((*FIRST_TASK, "title"), "a\x00b")), "U+0000"),
        (
            lambda p: write_text(p, '{"schema": ' + "[" * 10000 + "]" * 10000 + "}", "p.json"),
            "nested",
        ),
        (
            lambda p: write_text(p, "schema: " + "[" * 10000 + "]" * 10000, "p.yaml"),
            "nesting depth",
        ),
    ],
    ids=["lone-surrogate", "nul", "deep-json", "deep-yaml"],
)
def test_text_no_database_can_hold_and_endless_nesting_are_one_line(guarded, tmp_path, make, words):
    line = refusal(guarded("import", str(make(tmp_path))))
    assert words in line


def _json_with_title(title_json: str) -> str:
    document = demo()
    document["measures"][0]["tasks"][0]["title"] = "@@TITLE@@"
    return json.dumps(document, ensure_ascii=False).replace('"@@TITLE@@"', title_json)


# --- 5. small files that would exhaust the machine ------------------------------------------

ALIAS_BOMB = "\n".join(
    ['a: &a ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    + [
        f"{b}: &{b} [{', '.join(['*' + a] * 9)}]"
        for a, b in zip("abcdefgh", "bcdefghi", strict=True)
    ]
)


@pytest.mark.parametrize("dry_run", [[], ["--dry-run"]], ids=["import", "dry-run"])
def test_a_yaml_alias_bomb_is_refused_before_it_expands(guarded, tmp_path, dry_run):
    path = write_text(tmp_path, ALIAS_BOMB, "bomb.yaml")
    assert path.stat().st_size < 500
    line = refusal(guarded("import", str(path), *dry_run))
    assert "bomb.yaml:2: YAML aliases (*a) are not allowed" in line


def test_a_report_larger_than_the_limit_is_refused_with_the_flag_to_raise_it(guarded, tmp_path):
    path = tmp_path / "huge.txt"
    with path.open("wb") as handle:  # 21 MB of a repeated line, written sparsely fast
        handle.write(("องค์การบริหารส่วนตำบลทุ่งดาวเรือง\n" * 210_000).encode("utf-8"))
    size = path.stat().st_size
    assert size > 20_000_000
    line = refusal(guarded("import", str(path)))
    assert "more than an import reads (20.0 MB)" in line
    assert f"--max-size {size // 1_000_000 + 1}" in line


def cli_database(cli) -> str:  # type: ignore[no-untyped-def]
    import os

    return os.environ["TRACKER_DATABASE_URL"].removeprefix("sqlite:///")


def test_a_plan_of_more_tasks_than_the_limit_is_refused_and_the_flag_raises_it(cli, tmp_path):
    document = demo()
    template = document["measures"][0]["tasks"][0]
    document["measures"][0]["tasks"] = [dict(template, number=n) for n in range(1, 1998)]
    path = write_json(tmp_path, document)  # 1,997 tasks in measure 1, and measure 2's 4

    line = refusal(cli("import", str(path)))

    assert "2,001 tasks, more than an import takes (2,000)" in line
    assert "--max-tasks 2001" in line
    assert not Path(cli_database(cli)).exists() or cli.ok("plans", "--json").json() == []
    cli.ok("import", str(path), "--max-tasks", "2001")
    assert cli.ok("plans", "--json").json()[0]["tasks"] == 2001


# --- 6. likely mistakes that were accepted silently -----------------------------------------

CONTACTS = ("units", 0, "contacts")


def contact(channel: str, address: str) -> dict[str, str]:
    return {"channel": channel, "address": address}


@pytest.mark.parametrize(
    ("path", "value", "words"),
    [
        ((*FIRST_TASK, "start"), "2569-11-01", "has a Buddhist-era year"),
        ((*FIRST_TASK, "title"), " \u200b ", "is blank"),
        (("units", 1, "name"), "\u200b", "is blank"),
        (("organization", "name"), "\u2060\ufeff", "is blank"),
        (
            ("units", 0, "contacts"),
            [{"channel": "email", "address": "not-an-email"}],
            "exactly one @",
        ),
        (("units", 0, "contacts"), [{"channel": "email", "address": "a@b@c"}], "exactly one @"),
        (
            ("units", 0, "contacts"),
            [{"channel": "webhook", "address": "ftp://x"}],
            "not a web link",
        ),
        (
            ("units", 0, "contacts"),
            [{"channel": "file", "address": "../../.."}],
            "leaves the outbox",
        ),
        (
            ("meeting_series", 0, "recipients"),
            [{"channel": "email", "address": "secretariat"}],
            "exactly one @",
        ),
        (
            ("units", 0, "contacts"),
            [{"channel": "fax", "address": "053-511-000"}],
            "contacts[0].channel: channel 'fax' does not exist (channels: email, apprise",
        ),
        (
            ("meeting_series", 0, "recipients"),
            [{"channel": "E-mail", "address": "a@b.example"}],
            "recipients[0].channel",
        ),
    ],
    ids=[
        "be-iso-date",
        "blank-title",
        "zero-width-unit",
        "invisible-organization",
        "not-an-email",
        "two-ats",
        "ftp-webhook",
        "file-escaping-outbox",
        "bad-recipient",
        "unknown-channel",
        "misspelt-channel",
    ],
)
def test_a_likely_mistake_in_a_plan_is_named_at_its_field(guarded, tmp_path, path, value, words):
    document_path = write_json(tmp_path, with_change(path, value))
    line = refusal(guarded("import", str(document_path)))
    assert words in line


def test_a_key_written_twice_in_yaml_names_both_lines(guarded, tmp_path):
    content = DEMO_PLAN.read_text(encoding="utf-8") + "fiscal_year: 2571\n"
    path = write_text(tmp_path, content, "twice.yaml")
    first = content.splitlines().index("fiscal_year: 2570") + 1
    last = len(content.splitlines())
    line = refusal(guarded("import", str(path)))
    assert f"twice.yaml:{last}: key 'fiscal_year' is written twice" in line
    assert f"(also on line {first})" in line


@pytest.mark.parametrize(
    ("channel", "address", "words"),
    [
        ("email", "not-an-email", "exactly one @"),
        ("email", "a@b@c", "exactly one @"),
        ("webhook", "ftp://x", "not a web link"),
        ("webhook", "javascript:alert(1)", "not a web link"),
        ("file", "../../..", "leaves the outbox folder"),
        ("file", "/etc", "not a folder under the outbox folder"),
        ("apprise", "line-token", "not an Apprise URL"),
    ],
)
def test_a_contact_its_channel_cannot_use_is_refused(guarded, channel, address, words):
    line = refusal(guarded("units", "contact", "กองคลัง", channel, address))
    assert words in line
    refusal_recipient = refusal(
        guarded("series", "recipient", "ประชุมหัวหน้าส่วนราชการ", channel, address)
    )
    assert words in refusal_recipient


@pytest.mark.parametrize(
    ("channel", "address", "shown", "secret"),
    [
        # An Apprise LINE token pasted without its scheme: only its length is shown.
        ("apprise", "Xk9fQ2Lm7Tz", "the address (11 characters) is not an Apprise URL", "Xk9fQ"),
        # A webhook's token lives in its path: the scheme and host are enough to find it.
        ("webhook", "ftp://hooks.example/T0KEN-in-path", "ftp://hooks.example/… is not a", "T0KEN"),
        ("webhook", "http://a b.example/T0KEN", "http://a/… is not a web link", "T0KEN"),
    ],
)
def test_a_refused_delivery_address_is_not_echoed_whole(guarded, channel, address, shown, secret):
    """A delivery address often is a credential: the error shows where it points, not it."""
    line = refusal(guarded("units", "contact", "กองคลัง", channel, address))
    assert shown in line
    assert secret not in line


@pytest.mark.parametrize(
    "evidence", ["javascript:alert(1)", "file:///etc/passwd", "www.example.go.th/x.pdf"]
)
def test_evidence_that_is_not_a_web_link_is_refused(guarded, evidence):
    line = refusal(guarded("done", "3", "--by", "กองคลัง", "--evidence", evidence))
    assert "is not a web link" in line


def test_a_db_typo_in_a_folder_that_does_not_exist_creates_nothing(cli, tmp_path):
    typo = tmp_path / "trakcer" / "tracker.db"
    for command in (["tasks"], ["import", str(DEMO_PLAN)]):
        line = refusal(cli("--db", str(typo), *command))
        assert f"the folder {typo.parent} does not exist" in line
    assert not typo.parent.exists()
    cli.ok("--db", str(typo), "db", "upgrade")  # made on purpose
    assert typo.exists()


def test_a_db_typo_for_a_file_that_does_not_exist_is_an_error_for_a_listing(cli, tmp_path):
    typo = tmp_path / "trakcer.db"
    line = refusal(cli("--db", str(typo), "tasks"))
    assert f"no database at {typo}" in line
    assert not typo.exists()


# --- 7. messages that misled ------------------------------------------------------------------


def test_a_negative_percent_is_a_percent_error_not_an_unknown_option(guarded):
    line = refusal(guarded("progress", "2", "-5", "--by", "สำนักปลัด"))
    assert "'-5' is not a percent (a whole number from 0 to 100)" in line


def test_an_unknown_option_of_progress_is_still_named(guarded):
    line = refusal(guarded("progress", "2", "50", "--by", "สำนักปลัด", "--nte", "x"))
    assert "No such option '--nte'" in line


@pytest.mark.parametrize(
    ("value", "words"),
    [
        ("2027-02-30", "'2027-02-30' is not a real date (day is out of range for month)"),
        ("2569-11-01", "has a Buddhist-era year: ISO dates are CE (2026-11-01)"),
    ],
)
def test_a_date_that_does_not_exist_says_so(guarded, value, words):
    assert words in refusal(guarded("tasks", "--as-of", value))


def test_a_very_long_name_is_not_echoed_in_full(guarded):
    line = refusal(guarded("tasks", "--unit", "ก" * 100_000), code=1)
    assert "(100,000 characters)" in line
    assert len(line) < 600


def test_an_empty_report_says_it_is_empty(guarded, tmp_path):
    line = refusal(guarded("import", str(write_text(tmp_path, "\n \n", "empty.txt"))))
    assert "empty.txt: the file is empty: nothing to import" in line


def test_an_unexpected_error_is_one_line_and_the_traceback_only_on_request(cli, monkeypatch):
    import tracker.services.plans

    def broken(*_args: object, **_kwargs: object) -> None:
        raise ZeroDivisionError("division by zero")

    monkeypatch.setattr(tracker.services.plans, "list_plans", broken)
    cli.ok("import", str(DEMO_PLAN))
    line = refusal(cli("plans"), code=70)
    assert "unexpected ZeroDivisionError: division by zero" in line
    assert "TRACKER_DEBUG=1" in line
    cli.env(TRACKER_DEBUG="1")
    shown = cli("plans")
    assert shown.exit_code == 70
    assert "Traceback (most recent call last)" in shown.stderr
    assert shown.stderr.rstrip().splitlines()[-1].startswith("error: unexpected ZeroDivisionError")
