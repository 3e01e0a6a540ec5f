"""Reading an agency's ITA analysis report into what tracker.importers.build turns into a
plan document: one recogniser per fact (tracker.importers.report.sections), the words they
look for in one place (tracker.importers.vocabulary), composed by
tracker.importers.report.reader."""

from tracker.importers.report.reader import SOUGHT, WHAT_A_REPORT_HOLDS, read_report_lines

__all__ = ["SOUGHT", "WHAT_A_REPORT_HOLDS", "read_report_lines"]
