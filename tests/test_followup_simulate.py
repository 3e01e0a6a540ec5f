"""Follow-up through the real CLI: `tracker simulate` over the seed's fiscal year.

The seed, its expected values and how the due moments are worked out (from the `holidays`
package, never the product's calendar): followup_cli_support.py.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

from followup_cli_support import (
    MEETINGS,
    bangkok,
    dates_named_in,
    one_line_error,
    outbox,
    outbox_dir_fixture,  # noqa: F401
    secretariat,
    seed_cli_fixture,  # noqa: F401
    seed_open_at,
    snapshot,
    thai_date,
    working_days_before,
)


def every_unit_group(cli) -> str:  # type: ignore[no-untyped-def]
    names = [u["name"] for u in cli.ok("units", "--json").json() if u["all_units"]]
    assert len(names) == 1
    return names[0]


# --- tracker simulate ----------------------------------------------------------------------


def simulate(cli, folder: Path, *extra: str):  # type: ignore[no-untyped-def]
    return cli.ok(
        "simulate", "--from", "2022-10-01", "--to", "2023-09-30", "--outbox", str(folder), *extra
    )


def timeline(stdout: str) -> list[tuple[str, str, str, str]]:
    """(local due "YYYY-MM-DD HH:MM", job, to, subject) for each line of `tracker simulate`."""
    lines = stdout.splitlines()
    assert re.fullmatch(rf"{len(lines) - 1} ข้อความ, เขียนไว้ที่ .+", lines[-1]), lines[-1]
    events = []
    for line in lines[:-1]:
        match = re.fullmatch(r"(\d{4}-\d\d-\d\d \d\d:\d\d)  (\S+) {2,}(.+?)  (\[ITA\] .+)", line)
        assert match, line
        events.append(match.groups())
    return events


def test_a_simulated_fiscal_year_reports_the_day_before_and_reminds_two_days_before_each_meeting(
    seed_cli, tmp_path: Path, outbox_dir: Path
) -> None:
    unit = secretariat(seed_cli)
    group = every_unit_group(seed_cli)
    folder = tmp_path / "simulation"

    events = timeline(simulate(seed_cli, folder).stdout)

    reports = [e for e in events if e[1] == "progress-report"]
    assert len(reports) == 28 == len(MEETINGS)
    named = [dates_named_in(subject) for _, _, _, subject in reports]
    assert all(len(days) == 1 for days in named), reports
    assert sorted(days[0] for days in named) == MEETINGS
    for (due, _, _, subject), (meeting,) in zip(reports, named, strict=True):
        assert thai_date(meeting) in subject
        expected = bangkok(working_days_before(meeting, 1), 8)
        assert due == expected.strftime("%Y-%m-%d %H:%M"), (meeting, due)

    # The unit gets a reminder before every meeting at which it has open tasks; the
    # "every unit" group is a way of naming units, never a recipient.
    reminders = [e for e in events if e[1] == "meeting-reminder"]
    expected_meetings = [m for m in MEETINGS if seed_open_at(m)]
    assert len(reminders) == len(expected_meetings)
    assert {to for _, _, to, _ in reminders} == {unit}
    assert group not in {to for _, _, to, _ in events}
    reminded = {}
    for due, _, _, subject in reminders:
        (meeting,) = dates_named_in(subject)
        reminded[meeting] = due
    assert sorted(reminded) == expected_meetings
    for meeting, due in reminded.items():
        expected = bangkok(working_days_before(meeting, 2), 9)
        assert due == expected.strftime("%Y-%m-%d %H:%M"), (meeting, due)

    # Every message went to a file in --outbox; the real ledger and file channel are untouched.
    assert len(snapshot(folder)) == len(events)
    assert outbox(seed_cli) == []
    assert not outbox_dir.exists()


def test_simulating_twice_gives_identical_output_and_files_and_json_lists_the_same_events(
    seed_cli, tmp_path: Path
) -> None:
    folder = tmp_path / "simulation"
    first = simulate(seed_cli, folder)
    first_files = snapshot(folder)
    shutil.rmtree(folder)
    second = simulate(seed_cli, folder)
    second_files = snapshot(folder)
    shutil.rmtree(folder)
    as_json = simulate(seed_cli, folder, "--json")

    assert first.stdout.encode() == second.stdout.encode()
    assert first_files
    assert list(first_files) == list(second_files)
    assert first_files == second_files

    events = as_json.json()
    assert [
        (e["due"][:16].replace("T", " "), e["job"], e["to"], e["subject"]) for e in events
    ] == timeline(first.stdout)
    assert {f"{e['file']}.txt" for e in events} == set(first_files)
    assert snapshot(folder) == first_files


def test_simulate_refuses_a_period_that_ends_before_it_starts(seed_cli, tmp_path: Path) -> None:
    folder = tmp_path / "simulation"
    result = seed_cli(
        "simulate", "--from", "2023-09-30", "--to", "2022-10-01", "--outbox", str(folder)
    )
    assert "2022-10-01" in one_line_error(result)
    assert not folder.exists()
