"""Abbreviated unit and organization names, written out and matched (no database).

Reports write units short: "กค." for กองคลัง, "สป.อบจ." for the สำนักปลัด of a provincial
administrative organization, "กองสาธารณสุขฯ" for กองสาธารณสุขและสิ่งแวดล้อม, "กองคลัง
อบต.หนองบัว" for the กองคลัง of that อบต. The common abbreviations are data
(``tracker/data/unit-abbreviations.json``, which explains each field); this module reads it and
offers:

- :func:`expand`: the full name an abbreviated name stands for;
- :func:`organization_kind`: "local" or "central" government, from an organization's name;
- :class:`UnitMatcher`: built once from an organization's units and their aliases, it finds
  the unit a name means by exact name, alias, written-out abbreviation, or "ฯ" beginning;
- :func:`unit_groups` and :func:`group_name`: the spellings of one report that name one
  unit, and the name to keep it under.

Names are compared by :func:`tracker.textkey.lookup_key` after the rules here, so spacing,
zero-width characters and the decomposed sara am never matter.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from tracker.textkey import lookup_key, tidy_name

DATA = Path(__file__).parent / "data" / "unit-abbreviations.json"

LOCAL, CENTRAL = "local", "central"  # kinds of organization (the data's "used_in" contexts)
UNIT, ORGANIZATION_PREFIX = "unit", "organization-prefix"  # kinds of abbreviation
KINDS = (UNIT, ORGANIZATION_PREFIX)
CONTEXTS = (LOCAL, CENTRAL)

# Rules a match was made by, first tried first (UnitMatcher.find).
BY_NAME, BY_ALIAS, BY_EXPANSION, BY_PREFIX = "name", "alias", "expanded", "prefix"

_CUT_SHORT = "ฯ"  # "กองสาธารณสุขฯ": a longer name cut short
_ET_CETERA = "ฯลฯ"  # "and so on": not a name cut short
_MIN_PREFIX = 4  # characters of key a "ฯ" name must keep to be matched by its beginning
# What may stand before an abbreviation: the start, a space, the dot of another
# abbreviation ("กพร.สป."), or punctuation. An organization prefix may also follow a unit's
# name directly ("กองคลังอบต.หนองบัว"), as PDF text and lookup keys run words together.
_BOUNDARY = frozenset(" .,;:/()[]-–\u00a0")


@dataclass(frozen=True)
class Abbreviation:
    """One entry of the data: ``short`` stands for ``full``.

    ``kind`` is UNIT or ORGANIZATION_PREFIX; ``used_in`` LOCAL, CENTRAL or None (any);
    ``organization_kind`` (prefixes) the kind of organization the prefix starts;
    ``unit_suffix`` (prefixes) the word its units append to their names ("เทศบาล").
    """

    short: str
    full: str
    kind: str
    used_in: str | None
    organization_kind: str | None = None
    unit_suffix: str | None = None
    description: str = ""

    def applies_in(self, context: str | None) -> bool:
        """Whether this meaning holds in an organization of kind ``context`` (None: unknown)."""
        return self.used_in is None or context is None or self.used_in == context


@dataclass(frozen=True)
class AbbreviationTable:
    """The data file, read and checked, with its lookups precomputed."""

    entries: tuple[Abbreviation, ...]
    organization_names: tuple[tuple[str, str], ...]  # (a name's start, LOCAL or CENTRAL)
    bare_unit_kinds: frozenset[str]  # keys of "กอง", "สำนัก", …
    meanings: dict[str, tuple[Abbreviation, ...]]  # short -> its entries
    pattern: re.Pattern[str]  # any abbreviation, the longest tried first

    def meaning(self, short: str, context: str | None) -> Abbreviation | None:
        """What ``short`` stands for in ``context``: its one meaning there, else None (an
        abbreviation with two meanings and no context to choose by is left as written)."""
        found = [e for e in self.meanings.get(short, ()) if e.applies_in(context)]
        return found[0] if len(found) == 1 else None

    def prefixes(self) -> Iterator[Abbreviation]:
        """The organization prefixes, longest full name first."""
        found = [e for e in self.entries if e.kind == ORGANIZATION_PREFIX]
        yield from sorted(found, key=lambda e: -len(e.full))


@cache
def table() -> AbbreviationTable:
    """The abbreviations of ``DATA``, read once; malformed data is a ValueError naming the entry."""
    return parse_table(json.loads(DATA.read_text(encoding="utf-8")))


def parse_table(data: dict[str, Any]) -> AbbreviationTable:
    """Check and index data in the form of ``DATA`` (see its ``_comment``)."""
    entries = tuple(_entry(number, raw) for number, raw in enumerate(data["abbreviations"], 1))
    meanings: dict[str, tuple[Abbreviation, ...]] = {}
    for entry in entries:
        meanings[entry.short] = (*meanings.get(entry.short, ()), entry)
    for short, found in meanings.items():
        contexts = [e.used_in for e in found]
        if len(found) > 1 and (None in contexts or len(set(contexts)) < len(contexts)):
            raise ValueError(f"abbreviation {short!r} has two meanings in the same context")
    names = tuple(
        (tidy_name(raw["starts_with"]), _context(raw["kind"], raw["starts_with"]))
        for raw in data.get("organization_names", [])
    )
    shorts = sorted(meanings, key=lambda s: (-len(s), s))
    return AbbreviationTable(
        entries=entries,
        organization_names=names,
        bare_unit_kinds=frozenset(lookup_key(k) for k in data.get("bare_unit_kinds", [])),
        meanings=meanings,
        pattern=re.compile("|".join(re.escape(s) for s in shorts)),
    )


def _entry(number: int, raw: dict[str, Any]) -> Abbreviation:
    where = f"abbreviation {number} ({raw.get('abbreviation')!r})"
    short, full = tidy_name(raw.get("abbreviation", "")), tidy_name(raw.get("full", ""))
    if not short or not full:
        raise ValueError(f"{where}: needs an abbreviation and a full name")
    if not (short.endswith(".") or short.endswith(_CUT_SHORT)) or " " in short:
        raise ValueError(f"{where}: an abbreviation is one word ending in '.' or 'ฯ'")
    kind = raw.get("kind")
    if kind not in KINDS:
        raise ValueError(f"{where}: kind {kind!r} is not one of {', '.join(KINDS)}")
    used_in = raw.get("used_in", "any")
    organization_kind = raw.get("organization_kind")
    if (organization_kind is None) != (kind == UNIT):
        raise ValueError(f"{where}: an organization-prefix, and only one, has organization_kind")
    return Abbreviation(
        short=short,
        full=full,
        kind=kind,
        used_in=None if used_in == "any" else _context(used_in, where),
        organization_kind=_context(organization_kind, where) if organization_kind else None,
        unit_suffix=raw.get("unit_suffix"),
        description=raw.get("description", ""),
    )


def _context(value: str, where: str) -> str:
    if value not in CONTEXTS:
        raise ValueError(f"{where}: {value!r} is not one of {', '.join(CONTEXTS)} (or 'any')")
    return value


# --- writing names out ------------------------------------------------------------------------


def expand(name: str, *, organization_kind: str | None = None) -> str:
    """The full name an abbreviated unit or organization name stands for, or the name as
    it is (tidied: single spaces) when it holds no abbreviation known for that kind.

    ``organization_kind`` (LOCAL or CENTRAL) chooses between meanings; without it the name's
    other abbreviations choose, and one that still has two meanings is left as written.

    >>> expand("กค.")
    'กองคลัง'
    >>> expand("อบต.หนองบัว")
    'องค์การบริหารส่วนตำบลหนองบัว'
    >>> expand("กองคลัง อบต.หนองบัว")
    'กองคลัง องค์การบริหารส่วนตำบลหนองบัว'
    >>> expand("สป.อบจ.")
    'สำนักปลัด องค์การบริหารส่วนจังหวัด'
    >>> expand("กพร.สป.")
    'กลุ่มพัฒนาระบบบริหาร สำนักงานปลัดกระทรวง'
    >>> expand("สป.")
    'สป.'
    >>> expand("สป.", organization_kind="local")
    'สำนักปลัด'
    >>> expand("กองการศึกษา")
    'กองการศึกษา'
    """
    return _expand(name, organization_kind)


def _expand(name: str, context: str | None, *, keep_cut_short: bool = False) -> str:
    """:func:`expand`; with ``keep_cut_short``, names cut short by ฯ stay as written (the ฯ
    rule then matches them by their beginning)."""
    text = tidy_name(name)
    book = table()
    hits = list(_hits(text, book))
    context = context or _inferred_context(hits, book)
    pieces: list[str] = []
    done, last_expanded = 0, -1
    for start, end, short in hits:
        entry = book.meaning(short, context)
        if entry is None or (keep_cut_short and short.endswith(_CUT_SHORT)):
            continue
        if start == last_expanded:
            pieces.append(" ")  # "สป.อบจ." -> "สำนักปลัด องค์การ…": two names, not one word
        pieces += [text[done:start], entry.full]
        done = last_expanded = end
    pieces.append(text[done:])
    return tidy_name("".join(pieces))


def _hits(text: str, book: AbbreviationTable) -> Iterator[tuple[int, int, str]]:
    """Where known abbreviations stand in ``text``, left to right, not overlapping."""
    position = 0
    while (found := book.pattern.search(text, position)) is not None:
        start, short = found.start(), found.group()
        before = text[start - 1] if start else " "
        prefix = any(e.kind == ORGANIZATION_PREFIX for e in book.meanings[short])
        if before in _BOUNDARY or prefix:
            yield start, found.end(), short
            position = found.end()
        else:
            position = start + 1  # "…ลูกค." is no "กค.": look again one character on


def _inferred_context(hits: Sequence[tuple[int, int, str]], book: AbbreviationTable) -> str | None:
    """The kind of organization a name's unambiguous abbreviations agree on, else None."""
    seen = set()
    for _start, _end, short in hits:
        meanings = book.meanings[short]
        if len(meanings) == 1:
            entry = meanings[0]
            seen.add(entry.organization_kind or entry.used_in)
    seen.discard(None)
    return seen.pop() if len(seen) == 1 else None


def organization_kind(name: str) -> str | None:
    """LOCAL or CENTRAL: the kind of government an organization is, from its name; None
    when its name does not say.

    >>> organization_kind("อบต.หนองบัว"), organization_kind("เทศบาลเมืองท่าน้ำใส")
    ('local', 'local')
    >>> organization_kind("สำนักงานปลัดกระทรวงตัวอย่าง"), organization_kind("กรมตัวอย่าง")
    ('central', 'central')
    >>> organization_kind("มหาวิทยาลัยตัวอย่าง") is None
    True
    """
    prefix = organization_prefix(name)
    if prefix is not None:
        return prefix.organization_kind
    key = lookup_key(name)
    for start, kind in table().organization_names:
        if key.startswith(lookup_key(start)):
            return kind
    return None


def organization_prefix(name: str) -> Abbreviation | None:
    """The organization prefix ``name`` starts with, written out or abbreviated
    ("องค์การบริหารส่วนตำบลหนองบัว" and "อบต.หนองบัว" both start with อบต.)."""
    key = lookup_key(name)
    for entry in table().prefixes():
        if key.startswith(lookup_key(entry.full)) or key.startswith(lookup_key(entry.short)):
            return entry
    return None


def is_abbreviated(name: str) -> bool:
    """Whether a name is written short: it holds a known abbreviation or is cut short by ฯ.

    >>> is_abbreviated("กค."), is_abbreviated("กองสาธารณสุขฯ"), is_abbreviated("กองคลัง")
    (True, True, False)
    """
    if _cut_short(lookup_key(name)) is not None:
        return True
    return next(_hits(tidy_name(name), table()), None) is not None


def _cut_short(key: str) -> str | None:
    """The beginning a key ending in ฯ keeps ("กองสาธารณสุขฯ" -> "กองสาธารณสุข"), if long
    enough to match by and not a bare kind of unit; None for any other key."""
    if not key.endswith(_CUT_SHORT) or key.endswith(_ET_CETERA):
        return None
    kept = key.removesuffix(_CUT_SHORT)
    if len(kept) < _MIN_PREFIX or kept in table().bare_unit_kinds:
        return None
    return kept


# --- matching ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Match:
    """The unit a name was matched to (its name as given to the matcher) and the rule."""

    unit: str
    rule: str


class UnitMatcher:
    """Finds which of an organization's units a name means.

    Built once from the units (each a name and its aliases) and the organization's name;
    every key is computed then, so :meth:`find` does a few dictionary lookups and, for a
    name cut short by ฯ, one pass over the names. The rules, first tried first:

    1. the lookup key of a unit's name; 2. of an alias (the organization's own
    abbreviations); 3. the same name once abbreviations are written out and a trailing
    mention of the organization itself is dropped ("กค.", "กองคลัง อบต.หนองบัว" and
    "กองคลังองค์การบริหารส่วนตำบลหนองบัว" are all กองคลัง of อบต.หนองบัว; "สป.อบจ." is the
    สำนักปลัด of an อบจ.; with no organization given, only a bare kind is dropped); 4. a name
    cut short by ฯ: the one unit whose name begins so (none when two do); a unit whose own
    name is cut short by ฯ matches a name beginning so.

    A name two units share under a rule matches neither by that rule. Nothing else is
    guessed: "กองการศึกษา" is not "กองการศึกษา ศาสนาและวัฒนธรรม" (only "กองการศึกษาฯ" is).

    >>> units = {"กองคลัง": [], "กองสาธารณสุขและสิ่งแวดล้อม": [], "สำนักปลัด": ["สป.อบต."]}
    >>> matcher = UnitMatcher(units.items(), organization="องค์การบริหารส่วนตำบลหนองบัว")
    >>> matcher.match("กค."), matcher.match("กองคลัง อบต.หนองบัว")
    ('กองคลัง', 'กองคลัง')
    >>> matcher.find("กองสาธารณสุขฯ")
    Match(unit='กองสาธารณสุขและสิ่งแวดล้อม', rule='expanded')
    >>> matcher.find(" สป. อบต. ")
    Match(unit='สำนักปลัด', rule='alias')
    >>> matcher.match("กองคลัง อบต.บ้านใหม่") is None
    True
    """

    def __init__(
        self, units: Iterable[tuple[str, Iterable[str]]], *, organization: str | None = None
    ) -> None:
        self.organization = organization
        self.kind = organization_kind(organization) if organization else None
        self._own_names = _organization_mentions(organization)
        self._names: dict[str, str] = {}
        self._aliases: dict[str, str] = {}
        self._expanded: dict[str, dict[str, None]] = {}  # key -> its units (an ordered set)
        self._keys: list[tuple[str, str]] = []  # (key, unit): every written-out name
        self._cut_short: list[tuple[str, str]] = []  # (kept beginning, unit): names cut short
        for name, aliases in units:
            aliases = list(aliases)
            self._names.setdefault(lookup_key(name), name)
            for alias in aliases:
                self._aliases.setdefault(lookup_key(alias), name)
            for spelling in (name, *aliases):
                key, short_key = self.key(spelling), self._short_key(spelling)
                self._expanded.setdefault(key, {})[name] = None
                self._keys += [(key, name), (short_key, name)]
                kept = _cut_short(short_key)
                if kept is not None:
                    self._cut_short.append((kept, name))

    def key(self, name: str) -> str:
        """The key names are compared by under rule 3: abbreviations written out for this
        organization's kind, a trailing mention of the organization dropped, lookup_key.

        >>> UnitMatcher([], organization="อบจ.แพร่").key("สป.อบจ.แพร่")
        'สำนักปลัด'
        """
        return self._without_own_name(lookup_key(expand(name, organization_kind=self.kind)))

    def _short_key(self, name: str) -> str:
        """:meth:`key` with names cut short by ฯ left as written."""
        return self._without_own_name(lookup_key(_expand(name, self.kind, keep_cut_short=True)))

    def _without_own_name(self, key: str) -> str:
        for mention in self._own_names:
            if key.endswith(mention) and len(key) > len(mention):
                return key.removesuffix(mention)
        return key

    def find(self, name: str) -> Match | None:
        """The unit ``name`` means and the rule that says so, or None."""
        exact = lookup_key(name)
        if exact in self._names:
            return Match(self._names[exact], BY_NAME)
        if exact in self._aliases:
            return Match(self._aliases[exact], BY_ALIAS)
        units = self._expanded.get(self.key(name))
        if units:
            return Match(next(iter(units)), BY_EXPANSION) if len(units) == 1 else None
        short_key = self._short_key(name)
        kept = _cut_short(short_key)
        if kept is not None:
            found = {unit: None for key, unit in self._keys if key.startswith(kept)}
        else:
            found = {unit: None for kept, unit in self._cut_short if short_key.startswith(kept)}
        return Match(next(iter(found)), BY_PREFIX) if len(found) == 1 else None

    def match(self, name: str) -> str | None:
        """The name of the unit ``name`` means, or None (see the class for the rules)."""
        found = self.find(name)
        return found.unit if found else None

    def common_abbreviations(self) -> dict[str, list[str]]:
        """Unit name -> the common unit abbreviations (of the data, for this organization's
        kind) that find it by the rules rather than by its own names, in data order."""
        found: dict[str, list[str]] = {}
        for entry in table().entries:
            if entry.kind != UNIT or not entry.applies_in(self.kind):
                continue
            match = self.find(entry.short)
            if match is not None and match.rule in (BY_EXPANSION, BY_PREFIX):
                found.setdefault(match.unit, []).append(entry.short)
        return found


def _organization_mentions(organization: str | None) -> tuple[str, ...]:
    """Keys of the ways a unit's name may end by naming its own organization, longest first:
    its full name, its kind ("องค์การบริหารส่วนตำบล"), its units' suffix ("เทศบาล"). With no
    organization known, any bare kind of organization: "สป.อบจ." in a document of unknown
    organization is its own สำนักปลัด, "กองคลัง อบต.หนองบัว" a named one's."""
    if organization is None:
        prefixes = list(table().prefixes())
        mentions = {lookup_key(p.full) for p in prefixes}
        mentions |= {lookup_key(p.unit_suffix) for p in prefixes if p.unit_suffix}
        return tuple(sorted(mentions, key=lambda m: (-len(m), m)))
    kind = organization_kind(organization)
    mentions = {lookup_key(expand(organization, organization_kind=kind)), lookup_key(organization)}
    prefix = organization_prefix(organization)
    if prefix is not None:
        mentions.add(lookup_key(prefix.full))
        if prefix.unit_suffix:
            mentions.add(lookup_key(prefix.unit_suffix))
    return tuple(sorted(mentions, key=lambda m: (-len(m), m)))


def unit_groups(names: Iterable[str], *, organization: str | None = None) -> list[list[str]]:
    """The spellings of one document grouped into units: each group is the spellings that
    name one unit under :class:`UnitMatcher`'s rules ("กค." with "กองคลัง", "กองช่างฯ" with
    "กองช่างโยธา"). Every name given is in exactly one group.

    A group's first name is the first of its names, in the order given, written out in full
    (the first name when all are short), then the others in the order given; groups come in
    the order of their first-given name. A ฯ name whose beginning two groups share, or none,
    stays a group of its own.

    >>> unit_groups(["กค.", "กองคลัง", "กองช่างโยธา", "กองช่างฯ", "กองการศึกษา"])
    [['กองคลัง', 'กค.'], ['กองช่างโยธา', 'กองช่างฯ'], ['กองการศึกษา']]
    """
    order = {name: index for index, name in enumerate(dict.fromkeys(names))}
    matcher = UnitMatcher([], organization=organization)
    by_key: dict[str, list[str]] = {}
    for name in order:
        by_key.setdefault(matcher.key(name), []).append(name)
    for key, spellings in list(by_key.items()):
        kept = _cut_short(matcher._short_key(spellings[0]))
        if kept is None:
            continue
        into = [other for other in by_key if other != key and other.startswith(kept)]
        if len(into) == 1 and _cut_short(into[0]) is None:
            by_key[into[0]] += spellings
            del by_key[key]
    groups = [
        sorted(spellings, key=lambda n: (is_abbreviated(n), order[n]))
        for spellings in by_key.values()
    ]
    return sorted(groups, key=lambda group: min(order[n] for n in group))


def group_name(group: Sequence[str], *, organization: str | None = None) -> str:
    """The name a group of :func:`unit_groups` is best kept under: its first name when that
    is written out in full, else that name written out for the organization's kind; a name
    the data cannot write out stays as it is ("กองช่างฯ").

    >>> group_name(["กองคลัง", "กค."]), group_name(["กค."]), group_name(["กองสาธารณสุขฯ"])
    ('กองคลัง', 'กองคลัง', 'กองสาธารณสุขและสิ่งแวดล้อม')
    >>> group_name(["สป."], organization="อบต.หนองบัว"), group_name(["กองช่างฯ"])
    ('สำนักปลัด', 'กองช่างฯ')
    """
    first = group[0]
    if not is_abbreviated(first):
        return first
    return expand(
        first, organization_kind=organization_kind(organization) if organization else None
    )
