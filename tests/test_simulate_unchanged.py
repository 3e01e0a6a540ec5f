"""A restructure changes no message: `tracker simulate` over a whole fiscal year gives, byte for
byte, the outbox it gave before the follow-up engine was rearranged.

Recorded at 761c687 (before the "one home for every rule" restructure): for the seed over
FY2566 and the demo plan over FY2570, the SHA-256 of each message file and of the timeline
printed (tests/expected/simulate.json; hashes, not texts, since the seed's words are not ours
to copy). The counts were checked against the seed's calendar before (108 messages over
FY2566, 28 of them progress reports: tests/test_followup_simulate.py). A change that means to
alter messages must say so and re-record this file in the same commit.

Regenerate (only on purpose): `python tests/test_simulate_unchanged.py` from the clone.
"""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest
from conftest import DEMO_PLAN, FROZEN_NOW, ROOT, SEED_REPORT

GOLDEN = ROOT / "tests" / "expected" / "simulate.json"
SEED_IMPORTED_AT = "2022-10-01T08:00:00+07:00"
SCENARIOS = {
    "seed-fy2566": (SEED_REPORT, SEED_IMPORTED_AT, "2022-10-01", "2023-09-30"),
    "demo-fy2570": (DEMO_PLAN, FROZEN_NOW, "2026-10-01", "2027-09-30"),
}


def outbox_digest(folder: Path, timeline: str) -> dict[str, object]:
    """SHA-256 of each file under ``folder`` and of the timeline, its last line aside (that
    line names the folder, which differs from run to run)."""
    lines = timeline.splitlines()
    return {
        "messages": len(lines) - 1,
        "timeline": hashlib.sha256("\n".join(lines[:-1]).encode("utf-8")).hexdigest(),
        "files": {
            str(path.relative_to(folder)): hashlib.sha256(path.read_bytes()).hexdigest()
            for path in sorted(folder.rglob("*"))
            if path.is_file()
        },
    }


def simulate(tracker: str, scenario: str, workdir: Path) -> dict[str, object]:
    """Import the scenario's plan into a fresh SQLite file and simulate its fiscal year."""
    plan, imported_at, start, end = SCENARIOS[scenario]
    env = {k: v for k, v in os.environ.items() if not k.startswith("TRACKER_")}
    env.update(
        TRACKER_DATABASE_URL=f"sqlite:///{workdir / 'tracker.db'}",
        TRACKER_NOW=imported_at,
        TRACKER_LANG="th",
        COLUMNS="100",
    )
    extra = ["--merge-similar-units"] if plan == SEED_REPORT else []
    subprocess.run([tracker, "import", str(plan), *extra], env=env, check=True, capture_output=True)
    folder = workdir / "outbox"
    done = subprocess.run(
        [tracker, "simulate", "--from", start, "--to", end, "--outbox", str(folder)],
        env=env,
        check=True,
        capture_output=True,
        text=True,
    )
    return outbox_digest(folder, done.stdout)


@pytest.mark.slow
@pytest.mark.parametrize("scenario", sorted(SCENARIOS))
def test_simulating_a_fiscal_year_gives_the_recorded_outbox(tracker_bin, tmp_path, scenario):
    recorded = json.loads(GOLDEN.read_text(encoding="utf-8"))[scenario]
    assert simulate(tracker_bin, scenario, tmp_path) == recorded


if __name__ == "__main__":  # re-record, on purpose only
    binary = str(Path(sys.executable).parent / "tracker")
    digests = {}
    for name in sorted(SCENARIOS):
        with tempfile.TemporaryDirectory() as scratch:
            digests[name] = simulate(binary, name, Path(scratch))
    GOLDEN.write_text(json.dumps(digests, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    print({name: digest["messages"] for name, digest in digests.items()})
