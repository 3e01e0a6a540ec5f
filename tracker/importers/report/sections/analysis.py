"""Indicators the analysis paragraphs name ("ตัวชี้วัดที่ ๖ คุณภาพการดำเนินงาน มีระดับคะแนน
๙๘.๗๓"), to check against the score table: the seed itself names one wrongly."""

from __future__ import annotations

from collections.abc import Sequence

from tracker.importers.model import Mention
from tracker.importers.text import Line, tidy
from tracker.importers.vocabulary import ANALYSIS_MENTION


def read(lines: Sequence[Line]) -> list[Mention]:
    return [
        Mention(line.number, int(match.group(1)), tidy(match.group(2)))
        for line in lines
        if (match := ANALYSIS_MENTION.search(line.plain))
    ]
