"""One recogniser per fact of an ITA analysis report.

Each module's ``read`` takes the report's lines (paragraphs, and table rows as lines with
cells) and returns what it found with the line it found it on; none changes a shared report.
tracker.importers.report.reader composes them.
"""
