"""The progress report reads byte for byte as it did when its text, Markdown and HTML were
rendered by Jinja templates: SHA-256 recorded at 62abc61 (progress.{txt,md,html}.j2) for fixed
reports in Thai and English, before they became plain string formatting
(tracker/reports/progress_render.py). The reports hold what could render differently: values
HTML must escape (``& < > " '``), titles just under and over the 80-character cut, with and
without a space to cut at, pipes and line breaks in Markdown cells, notes with and without
evidence, empty lists, no previous or next meeting.

Regenerate (only on purpose): `python tests/test_progress_unchanged.py` from the clone.
"""

from __future__ import annotations

import hashlib
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
GOLDEN = ROOT / "tests" / "expected" / "progress.json"
FORMATS = ("txt", "md", "html", "json")


def _reports():  # type: ignore[no-untyped-def]
    from tracker.reports.progress import MeasureState, ProgressReport, StepState

    def step(number: int, title: str, **changes: object) -> StepState:
        values: dict[str, object] = {
            "id": 100 + number,
            "ref": f"1.{number}",
            "title": title,
            "units": ["กองคลัง", "สำนักปลัด"],
            "period": "ต.ค. 2566 – ก.ย. 2567",
            "status": "in_progress",
            "percent": 40,
            "last_note": None,
            "evidence_url": None,
            "last_update": None,
            "overdue": False,
        }
        values.update(changes)
        return StepState(**values)  # type: ignore[arg-type]

    full = ProgressReport(
        organization='เทศบาล <ทดสอบ> & "ตำบล"',
        series="ประชุมหัวหน้าส่วนราชการ",
        meeting="2024-01-17",
        previous_meeting="2024-01-03",
        next_meeting="2024-02-07",
        measures=[
            MeasureState(
                "มาตรการ | เผยแพร่\nข้อมูล",
                [
                    step(1, "ก" * 85),  # at the cut's leeway: kept whole
                    step(2, "ข" * 86, status="not_started", percent=0, overdue=True),
                    step(
                        3,
                        "Publish the monthly <report> & its annex " * 3,
                        status="done",
                        percent=100,
                        last_note="ส่งแล้ว 'ครบ' <ดู> & ตรวจ | แล้ว",
                        evidence_url="https://example.go.th/a?b=1&c=<2>",
                    ),
                    step(4, "แจ้งเวียน", last_note="รอลงนาม", units=[]),
                    step(5, "สำรวจ", evidence_url="https://example.go.th/e", status="cancelled"),
                ],
            ),
            MeasureState("มาตรการที่สอง", [step(6, "ติดตามผล", status="odd-status")]),
        ],
        newly_done=["#103 (1.3)"],
        newly_overdue=["#102 (1.2)", "#101 (1.1)"],
        no_update=[],
        due_before_next=["#104 (1.4)"],
        done=1,
        total=5,
        completion=36.7,
    )
    empty = ProgressReport(
        organization="อบต. ว่าง",
        series="Weekly <meeting>",
        meeting="2023-10-04",
        previous_meeting=None,
        next_meeting=None,
        measures=[],
    )
    return {"full": full, "empty": empty}


def rendered() -> dict[str, str]:
    """Every fixed report in every format and language."""
    from tracker.reports.progress import render

    return {
        f"{name}-{fmt}-{lang}": render(report, fmt, lang)
        for name, report in _reports().items()
        for fmt in FORMATS
        for lang in ("th", "en")
    }


def digests() -> dict[str, str]:
    return {
        name: hashlib.sha256(text.encode("utf-8")).hexdigest() for name, text in rendered().items()
    }


def test_every_progress_report_format_reads_as_recorded() -> None:
    assert digests() == json.loads(GOLDEN.read_text(encoding="utf-8"))


def test_the_html_escapes_what_the_plan_says_and_the_text_keeps_it() -> None:
    texts = rendered()
    html, text = texts["full-html-th"], texts["full-txt-th"]
    assert "เทศบาล &lt;ทดสอบ&gt; &amp; &#34;ตำบล&#34;" in html
    assert 'href="https://example.go.th/a?b=1&amp;c=&lt;2&gt;"' in html
    assert "ส่งแล้ว &#39;ครบ&#39;" in html
    assert 'เทศบาล <ทดสอบ> & "ตำบล"' in text


def test_a_title_longer_than_85_characters_is_cut_to_77_and_an_ellipsis() -> None:
    text = rendered()["full-txt-th"]
    assert f"#101 (1.1) {'ก' * 85}\n" in text
    assert f"#102 (1.2) {'ข' * 77}...\n" in text
    # With spaces, the cut is at the last space before the 77th character.
    title = "Publish the monthly <report> & its annex " * 3
    assert f"#103 (1.3) {title[:77].rsplit(' ', 1)[0]}...\n" in text


def test_markdown_cells_hold_no_pipe_or_line_break() -> None:
    md = rendered()["full-md-en"]
    assert "## มาตรการ \\| เผยแพร่ ข้อมูล\n" in md
    assert "ส่งแล้ว 'ครบ' <ดู> & ตรวจ \\| แล้ว [evidence](https://example.go.th/a?b=1&c=<2>)" in md


if __name__ == "__main__":  # re-record, on purpose only
    sys.path.insert(0, str(ROOT))
    GOLDEN.write_text(json.dumps(digests(), indent=2) + "\n", encoding="utf-8")
    print(f"{len(digests())} digests written to {GOLDEN.relative_to(ROOT)}")
