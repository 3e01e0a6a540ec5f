"""Nothing bad gets in: likely mistakes that were accepted silently (in plans, contacts,
evidence and --db paths) are now one clear line, exit 2 (1 for a refusal), and messages that
misled now say what is wrong; the database is left exactly as it was. Meeting rules, old
tracebacks and inputs that would exhaust the machine are in test_bad_input.py.

The database is compared whole (every row of every table) before and after each refused
command (the ``guarded`` fixture of tests/bad_input_support.py). Expected words come from the
rules the product states (README "Plan documents", schedules.rrules, tracker.inputs,
tracker.notify.addresses), not from its output.
"""

from __future__ import annotations

import pytest
from bad_input_support import (
    FIRST_TASK,
    guarded_fixture,  # noqa: F401  (the `guarded` fixture)
    refusal,
    with_change,
    write_json,
    write_text,
)
from conftest import DEMO_PLAN

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
            "contacts[0].channel: channel 'fax' does not exist (channels: email, line, apprise",
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
