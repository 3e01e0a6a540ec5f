"""A sweep pauses Python's cyclic garbage collector (tracker.followup.jobs.sweep.collector_paused)
and gives it back as it found it: when the last of several overlapping sweeps ends, after an
error too, and never switches on a collector someone else had switched off."""

from __future__ import annotations

import gc
from collections.abc import Iterator

import pytest

from tracker.followup.jobs.sweep import collector_paused


@pytest.fixture(autouse=True)
def _collector_restored() -> Iterator[None]:
    was = gc.isenabled()
    yield
    (gc.enable if was else gc.disable)()


def test_the_collector_is_paused_during_a_sweep_and_resumed_after() -> None:
    gc.enable()
    with collector_paused():
        assert not gc.isenabled()
    assert gc.isenabled()


def test_overlapping_sweeps_resume_it_only_when_the_last_ends() -> None:
    gc.enable()
    first, second = collector_paused(), collector_paused()
    first.__enter__()
    second.__enter__()
    first.__exit__(None, None, None)
    assert not gc.isenabled()  # the second sweep still runs
    second.__exit__(None, None, None)
    assert gc.isenabled()


def test_an_error_in_a_sweep_resumes_it() -> None:
    gc.enable()
    with pytest.raises(RuntimeError), collector_paused():
        raise RuntimeError("a job failed")
    assert gc.isenabled()


def test_a_collector_switched_off_elsewhere_stays_off() -> None:
    gc.disable()
    with collector_paused():
        pass
    assert not gc.isenabled()
