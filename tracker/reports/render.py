"""The one Jinja environment every report and message template is rendered in.

Two modes of it: ``escape=True`` (HTML pages, autoescaped) and ``escape=False`` (text,
Markdown, and the messages' HTML, which escapes each value itself with ``|html`` —
Python's html.escape — so its bytes stay what they were before it became a template).
Templates live in tracker/reports/templates and are compiled once per process.
"""

from __future__ import annotations

import html
from datetime import date
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from schedules import format_date
from tracker.i18n import TASK_STATUS, label, t

if TYPE_CHECKING:
    import jinja2

TEMPLATES = Path(__file__).parent / "templates"


@cache
def environment(*, escape: bool) -> jinja2.Environment:
    """The environment of one escaping mode (see the module docstring)."""
    import jinja2

    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(TEMPLATES),
        autoescape=escape,
        keep_trailing_newline=True,
        undefined=jinja2.StrictUndefined,
        # Compiled once per process, as the module says: no look at the file's time on each
        # render (a national round renders 80,000 messages).
        auto_reload=False,
    )
    env.filters["cell"] = markdown_cell
    env.filters["html"] = html.escape
    return env


def render(name: str, *, escape: bool, lang: str, **context: Any) -> str:
    """Template ``name`` rendered with ``context`` and the helpers of ``lang``. A context name
    that would hide a helper (``t``, ``day``, ``status``) is a programming error, refused."""
    given = helpers(lang)
    hidden = sorted(set(context) & set(given))
    if hidden:
        raise TypeError(
            f"render({name!r}): {', '.join(hidden)} would hide the template helper of that name"
        )
    template, globals_ = _template(name, escape)
    # Template.render, without its merge of the environment's globals (a chain of mappings)
    # into a new dict on every call, while a national round renders 200,000 messages: one
    # dict, the globals first, passed as the context's own ("shared").
    values = {**globals_, "lang": lang, **given, **context}
    try:
        return template.environment.concat(
            template.root_render_func(template.new_context(values, shared=True))
        )
    except Exception:
        template.environment.handle_exception()  # re-raised, pointing into the template
        raise  # not reached: handle_exception always raises


@cache
def _template(name: str, escape: bool) -> tuple[jinja2.Template, dict[str, Any]]:
    """Template ``name`` of one escaping mode, compiled once, and its globals as one dict."""
    template = environment(escape=escape).get_template(name)
    return template, dict(template.globals)


@cache
def helpers(lang: str) -> dict[str, Any]:
    """What every template may call: ``t(thai, english)``, ``day(iso)``, ``status(value)``
    (made once per language; callers must not change the dict)."""

    def words(thai: str, english: str) -> str:
        return t(lang, thai, english)

    def day(iso: str) -> str:
        return format_date(date.fromisoformat(iso), lang)  # type: ignore[arg-type]

    def status(value: str) -> str:
        return label(TASK_STATUS, value, lang)

    return {"t": words, "day": day, "status": status}


def markdown_cell(value: object) -> str:
    """Text safe inside a Markdown table cell: no pipe or line break can split the row."""
    return " ".join(str(value or "").split()).replace("|", "\\|")
