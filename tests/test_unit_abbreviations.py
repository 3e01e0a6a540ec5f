"""tracker.unitnames: the common abbreviations of Thai government unit and organization
names (tracker/data/unit-abbreviations.json), written out and matched.

Every expected value here is worked out by hand from the data file's entries and the rules in
the module's docstrings: "กค." is กองคลัง, "อบต." องค์การบริหารส่วนตำบล, "สป." สำนักปลัด in local
government and สำนักงานปลัดกระทรวง in central government, and so on. The organizations and
their units are fictional.
"""

from __future__ import annotations

import doctest
import json

import pytest

import tracker.unitnames as unitnames
from tracker.textkey import lookup_key
from tracker.unitnames import (
    CENTRAL,
    LOCAL,
    Match,
    UnitMatcher,
    expand,
    group_name,
    is_abbreviated,
    organization_kind,
    parse_table,
    unit_groups,
)

NONG_BUA = "องค์การบริหารส่วนตำบลหนองบัว"
PALAD = "สำนักปลัด"
KLANG = "กองคลัง"
CHANG = "กองช่าง"
EDUCATION = "กองการศึกษา ศาสนาและวัฒนธรรม"
HEALTH = "กองสาธารณสุขและสิ่งแวดล้อม"
FARMING = "กองส่งเสริมการเกษตร"
STAFF = "กองการเจ้าหน้าที่"
EVERY_UNIT = "ทุกส่วนราชการในสังกัดองค์การบริหารส่วนตำบลหนองบัว"

NONG_BUA_UNITS = {
    PALAD: ["สำนักงานปลัด อบต."],
    KLANG: [],
    CHANG: [],
    EDUCATION: [],
    HEALTH: [],
    FARMING: [],
    STAFF: [],
    EVERY_UNIT: [],
}


@pytest.fixture(scope="module")
def nong_bua() -> UnitMatcher:
    return UnitMatcher(NONG_BUA_UNITS.items(), organization=NONG_BUA)


# --- the data --------------------------------------------------------------------------------


def test_the_data_file_holds_the_abbreviations_asked_for_each_described():
    raw = json.loads(unitnames.DATA.read_text(encoding="utf-8"))
    entries = {(e["abbreviation"], e["kind"]): e["full"] for e in raw["abbreviations"]}
    assert entries[("สป.", "unit")] == "สำนักปลัด"
    assert entries[("กค.", "unit")] == "กองคลัง"
    assert entries[("กช.", "unit")] == "กองช่าง"
    assert entries[("กศ.", "unit")] == "กองการศึกษา ศาสนาและวัฒนธรรม"
    assert entries[("กสธ.", "unit")] == "กองสาธารณสุขและสิ่งแวดล้อม"
    assert entries[("กองสาธารณสุขฯ", "unit")] == "กองสาธารณสุขและสิ่งแวดล้อม"
    assert entries[("อบจ.", "organization-prefix")] == "องค์การบริหารส่วนจังหวัด"
    assert entries[("อบต.", "organization-prefix")] == "องค์การบริหารส่วนตำบล"
    assert entries[("ทต.", "organization-prefix")] == "เทศบาลตำบล"
    assert entries[("ทม.", "organization-prefix")] == "เทศบาลเมือง"
    assert entries[("ทน.", "organization-prefix")] == "เทศบาลนคร"
    assert entries[("สป.", "organization-prefix")] == "สำนักงานปลัดกระทรวง"
    assert all(e.get("description") for e in raw["abbreviations"])
    # The uncertain ones are named as left out, not used.
    left_out = {e["abbreviation"] for e in raw["left_out"]}
    assert {"กสว.", "กพ."} <= left_out
    assert not {"กสว.", "กพ."} & {e["abbreviation"] for e in raw["abbreviations"]}


def _data(*entries: dict) -> dict:
    return {"abbreviations": list(entries)}


UNIT_ENTRY = {"abbreviation": "กค.", "full": "กองคลัง", "kind": "unit", "used_in": "local"}


@pytest.mark.parametrize(
    ("entries", "words"),
    [
        (
            [{**UNIT_ENTRY, "kind": "office"}],
            "kind 'office' is not one of unit, organization-prefix",
        ),
        ([{**UNIT_ENTRY, "used_in": "regional"}], "'regional' is not one of local, central"),
        ([{**UNIT_ENTRY, "abbreviation": "กค"}], "one word ending in '.' or 'ฯ'"),
        ([{**UNIT_ENTRY, "full": " "}], "needs an abbreviation and a full name"),
        ([UNIT_ENTRY, {**UNIT_ENTRY, "full": "กองคดี"}], "'กค.' has two meanings in the same"),
        ([UNIT_ENTRY, {**UNIT_ENTRY, "used_in": "any"}], "'กค.' has two meanings in the same"),
        ([{**UNIT_ENTRY, "organization_kind": "local"}], "only one, has organization_kind"),
    ],
    ids=[
        "bad-kind",
        "bad-context",
        "no-dot",
        "blank-full",
        "twice-local",
        "local-and-any",
        "unit-with-organization-kind",
    ],
)
def test_malformed_data_is_refused_naming_the_problem(entries, words):
    with pytest.raises(ValueError, match="abbreviation") as refused:
        parse_table(_data(*entries))
    assert words in str(refused.value)


# --- expand ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "kind", "expected"),
    [
        ("กค.", None, "กองคลัง"),
        ("กช.", LOCAL, "กองช่าง"),
        ("กศ.", None, "กองการศึกษา ศาสนาและวัฒนธรรม"),
        ("กสธ.", None, "กองสาธารณสุขและสิ่งแวดล้อม"),
        ("กองสาธารณสุขฯ", None, "กองสาธารณสุขและสิ่งแวดล้อม"),
        ("อบต.หนองบัว", None, "องค์การบริหารส่วนตำบลหนองบัว"),
        ("อบจ.แพร่", None, "องค์การบริหารส่วนจังหวัดแพร่"),
        ("ทต.บ้านใหม่", None, "เทศบาลตำบลบ้านใหม่"),
        ("ทม.ท่าน้ำใส", None, "เทศบาลเมืองท่าน้ำใส"),
        ("ทน.ตัวอย่าง", None, "เทศบาลนครตัวอย่าง"),
        ("กองคลัง อบต.หนองบัว", None, "กองคลัง องค์การบริหารส่วนตำบลหนองบัว"),
        ("กองคลังอบต.หนองบัว", None, "กองคลังองค์การบริหารส่วนตำบลหนองบัว"),
        # สป. alone has two meanings: left as written unless the organization's kind says.
        ("สป.", None, "สป."),
        ("สป.", LOCAL, "สำนักปลัด"),
        ("สป.", CENTRAL, "สำนักงานปลัดกระทรวง"),
        # … or the name's other abbreviation does: อบจ. is local, กพร. central.
        ("สป.อบจ.", None, "สำนักปลัด องค์การบริหารส่วนจังหวัด"),
        ("กพร.สป.", None, "กลุ่มพัฒนาระบบบริหาร สำนักงานปลัดกระทรวง"),
        ("กพร.สป.", CENTRAL, "กลุ่มพัฒนาระบบบริหาร สำนักงานปลัดกระทรวง"),
        # In local government กพร. means nothing known; สป. is then the สำนักปลัด.
        ("กพร.สป.", LOCAL, "กพร.สำนักปลัด"),
        # กค. is กองคลัง only in local government (centrally it is the Ministry of Finance).
        ("กค.", CENTRAL, "กค."),
        # Inside a word the letters are no abbreviation.
        ("ทดสอบกค.", None, "ทดสอบกค."),
        ("กองการศึกษา", None, "กองการศึกษา"),
        ("  กองคลัง   และ  ", None, "กองคลัง และ"),
    ],
)
def test_expand_writes_out_abbreviations(name, kind, expected):
    assert expand(name, organization_kind=kind) == expected


def test_expand_leaves_spacing_to_the_lookup_key():
    assert lookup_key(expand("อบจ. แพร่")) == lookup_key("องค์การบริหารส่วนจังหวัดแพร่")


@pytest.mark.parametrize(
    ("name", "kind"),
    [
        ("อบต.หนองบัว", LOCAL),
        ("องค์การบริหารส่วนตำบลหนองบัว", LOCAL),
        ("องค์การบริหารส่วนจังหวัดแพร่", LOCAL),
        ("เทศบาลนครตัวอย่าง", LOCAL),
        ("กรุงเทพมหานคร", LOCAL),
        ("เมืองพัทยา", LOCAL),
        ("สำนักงานปลัดกระทรวงตัวอย่าง", CENTRAL),
        ("สป.ตัวอย่าง", CENTRAL),
        ("กรมตัวอย่าง", CENTRAL),
        ("กระทรวงตัวอย่าง", CENTRAL),
        ("มหาวิทยาลัยตัวอย่าง", None),
        ("โรงพยาบาลตัวอย่าง", None),
    ],
)
def test_organization_kind_comes_from_the_name(name, kind):
    assert organization_kind(name) == kind


@pytest.mark.parametrize(
    ("name", "short"),
    [
        ("กค.", True),
        ("กองสาธารณสุขฯ", True),
        ("กองช่างฯ", True),
        ("กองคลัง อบต.", True),
        ("กองคลัง", False),
        ("ทุกกอง ฯลฯ", False),
        ("กองฯ", False),
    ],
)
def test_is_abbreviated(name, short):
    assert is_abbreviated(name) is short


# --- the matcher: one rule at a time -------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        # 1. a unit's own name, spacing ignored
        (KLANG, Match(KLANG, "name")),
        (" กอง  คลัง ", Match(KLANG, "name")),
        ("กองการศึกษาศาสนาและวัฒนธรรม", Match(EDUCATION, "name")),
        # 2. an alias
        ("สำนักงานปลัดอบต.", Match(PALAD, "alias")),
        # 3. abbreviations written out, the organization's own name dropped
        ("กค.", Match(KLANG, "expanded")),
        ("กช.", Match(CHANG, "expanded")),
        ("กศ.", Match(EDUCATION, "expanded")),
        ("กสธ.", Match(HEALTH, "expanded")),
        ("กองสาธารณสุขฯ", Match(HEALTH, "expanded")),
        ("กองการศึกษาฯ", Match(EDUCATION, "expanded")),
        ("สป.", Match(PALAD, "expanded")),  # a local organization: สป. is สำนักปลัด
        ("สป.อบต.", Match(PALAD, "expanded")),
        ("สป.อบต.หนองบัว", Match(PALAD, "expanded")),
        ("กองคลัง อบต.หนองบัว", Match(KLANG, "expanded")),
        ("กองคลังองค์การบริหารส่วนตำบลหนองบัว", Match(KLANG, "expanded")),
        ("กองคลัง อบต.", Match(KLANG, "expanded")),
        ("กค. อบต.หนองบัว", Match(KLANG, "expanded")),
        ("ทุกส่วนราชการในสังกัด อบต.หนองบัว", Match(EVERY_UNIT, "expanded")),
        # 4. cut short by ฯ: the one unit whose name begins so
        ("กองส่งเสริมฯ", Match(FARMING, "prefix")),
        ("กองการเจ้าฯ", Match(STAFF, "prefix")),
        ("ทุกส่วนราชการฯ", Match(EVERY_UNIT, "prefix")),
        ("กองส่งเสริมฯ อบต.หนองบัว", Match(FARMING, "prefix")),
    ],
)
def test_the_matcher_finds_a_unit_by_each_rule(nong_bua, name, expected):
    assert nong_bua.find(name) == expected
    assert nong_bua.match(name) == expected.unit


@pytest.mark.parametrize(
    "name",
    [
        "กองการศึกษา",  # no ฯ: not merged into กองการศึกษา ศาสนาและวัฒนธรรม
        "กองสาธารณสุข",  # likewise
        "กองการฯ",  # กองการศึกษา… and กองการเจ้าหน้าที่ both begin so
        "กองฯ",  # a bare kind of unit cut short names no unit
        "สำนักฯ",
        "กองคลัง อบต.บ้านใหม่",  # the กองคลัง of another organization
        "กองคลัง องค์การบริหารส่วนตำบลบ้านใหม่",
        "กพร.สป.",  # a ministry's group: nothing in a local organization
        "กองพัสดุ",
        "งานต่าง ๆ ฯลฯ",
        "",
    ],
)
def test_the_matcher_guesses_nothing_else(nong_bua, name):
    assert nong_bua.find(name) is None


def test_an_ambiguous_cut_short_name_matches_nothing():
    matcher = UnitMatcher(
        [("กองส่งเสริมการเกษตร", []), ("กองส่งเสริมคุณภาพชีวิต", [])], organization=NONG_BUA
    )
    assert matcher.find("กองส่งเสริมฯ") is None
    assert matcher.match("กองส่งเสริมการฯ") == "กองส่งเสริมการเกษตร"


def test_an_alias_wins_over_a_common_abbreviation():
    matcher = UnitMatcher([(CHANG, []), ("กองพัสดุและทรัพย์สิน", ["กช."])], organization=NONG_BUA)
    assert matcher.find("กช.") == Match("กองพัสดุและทรัพย์สิน", "alias")
    assert matcher.find("กองช่าง") == Match(CHANG, "name")


def test_a_unit_stored_abbreviated_is_found_by_its_full_name():
    matcher = UnitMatcher([("กค.", []), ("กองช่างฯ", [])], organization=NONG_BUA)
    assert matcher.find("กองคลัง") == Match("กค.", "expanded")
    # A unit's own name cut short by ฯ matches a name that begins so.
    assert matcher.find("กองช่างโยธา") == Match("กองช่างฯ", "prefix")


def test_two_units_one_name_under_the_rules_match_neither_by_the_rules():
    # In a municipality "สำนักปลัดเทศบาล" drops its "เทศบาล" like the organization's name,
    # so both units are สำนักปลัด once written out: "สป." is then neither.
    matcher = UnitMatcher([(PALAD, []), ("สำนักปลัดเทศบาล", [])], organization="ทต.บ้านใหม่")
    assert matcher.find("สป.") is None
    assert matcher.find(PALAD) == Match(PALAD, "name")


def test_a_municipality_unit_named_with_its_suffix():
    matcher = UnitMatcher([("สำนักปลัดเทศบาล", []), (KLANG, [])], organization="ทต.บ้านใหม่")
    assert matcher.match("สป.") == "สำนักปลัดเทศบาล"
    assert matcher.match("สป.ทต.บ้านใหม่") == "สำนักปลัดเทศบาล"
    assert matcher.match("สำนักปลัด เทศบาลตำบลบ้านใหม่") == "สำนักปลัดเทศบาล"
    assert matcher.match("กองคลังเทศบาล") == KLANG


def test_a_provincial_organization_and_its_units_named_with_its_kind():
    secretariat = "สำนักงานเลขานุการองค์การบริหารส่วนจังหวัด"
    palad = "สำนักปลัดองค์การบริหารส่วนจังหวัด"
    matcher = UnitMatcher([(palad, []), (secretariat, [])], organization="องค์การบริหารส่วนจังหวัดแพร่")
    assert matcher.match("สป.อบจ.") == palad
    assert matcher.match("สป.อบจ.แพร่") == palad
    assert matcher.match("สป.") == palad
    assert matcher.match("สำนักงานเลขานุการ อบจ.แพร่") == secretariat
    assert matcher.match("สำนักงานเลขานุการ") == secretariat
    # The organization stored abbreviated is the same organization.
    same = UnitMatcher([(palad, [])], organization="อบจ.แพร่")
    assert same.match("สป.อบจ.แพร่") == palad


def test_in_a_ministry_sp_is_the_office_of_the_permanent_secretary():
    matcher = UnitMatcher(
        [("กลุ่มพัฒนาระบบบริหาร", []), ("กลุ่มตรวจสอบภายใน", []), (KLANG, [])],
        organization="สำนักงานปลัดกระทรวงตัวอย่าง",
    )
    assert matcher.kind == CENTRAL
    assert matcher.find("กพร.สป.") == Match("กลุ่มพัฒนาระบบบริหาร", "expanded")
    assert matcher.match("กพร.") == "กลุ่มพัฒนาระบบบริหาร"
    assert matcher.match("ตสน.สป.") == "กลุ่มตรวจสอบภายใน"
    assert matcher.find("สป.") is None  # the organization itself, not a unit
    assert matcher.find("กค.") is None  # centrally กค. is not กองคลัง
    assert matcher.find(KLANG) == Match(KLANG, "name")


def test_without_an_organization_only_the_names_own_abbreviations_decide():
    matcher = UnitMatcher([(KLANG, []), (PALAD, [])])
    assert matcher.match("กค.") == KLANG
    assert matcher.match("สป.อบจ.") == PALAD  # อบจ. makes it local
    assert matcher.find("สป.") is None  # two meanings, nothing to choose by
    assert matcher.find("กองคลัง อบต.หนองบัว") is None  # which organization is unknown


def test_the_common_abbreviations_that_find_each_unit(nong_bua):
    assert nong_bua.common_abbreviations() == {
        PALAD: ["สป."],
        KLANG: ["กค."],
        CHANG: ["กช."],
        EDUCATION: ["กศ.", "กองการศึกษาฯ"],
        HEALTH: ["กสธ.", "กองสาธารณสุขฯ"],
    }


# --- grouping a document's spellings -------------------------------------------------------


def test_unit_groups_joins_abbreviations_to_full_names_and_nothing_else():
    names = ["กค.", KLANG, "กองช่างโยธา", "กองช่างฯ", "กองการศึกษา", EDUCATION, "กองสาธารณสุขฯ", HEALTH]
    assert unit_groups(names) == [
        [KLANG, "กค."],
        ["กองช่างโยธา", "กองช่างฯ"],
        ["กองการศึกษา"],
        [EDUCATION],
        [HEALTH, "กองสาธารณสุขฯ"],
    ]


def test_unit_groups_keeps_an_ambiguous_cut_short_name_apart():
    names = ["กองส่งเสริมการเกษตร", "กองส่งเสริมคุณภาพชีวิต", "กองส่งเสริมฯ"]
    assert unit_groups(names) == [[n] for n in names]


def test_unit_groups_drops_the_organizations_own_name():
    names = ["กองคลัง อบต.หนองบัว", KLANG, "กองคลัง อบต.บ้านใหม่", "สป.อบต.", PALAD]
    assert unit_groups(names, organization="อบต.หนองบัว") == [
        [KLANG, "กองคลัง อบต.หนองบัว"],
        ["กองคลัง อบต.บ้านใหม่"],
        [PALAD, "สป.อบต."],
    ]


def test_unit_groups_keeps_each_spelling_once():
    assert unit_groups(["กค.", "กค.", KLANG]) == [[KLANG, "กค."]]


def test_a_report_written_all_in_abbreviations_gets_full_unit_names():
    # The units cells of a fictional อบต. report: only short names, one also in full.
    organization = "องค์การบริหารส่วนตำบลหนองบัวทอง"
    names = ["กค.", "สป.", "กช.", "กองสาธารณสุขฯ", "กศ.", HEALTH, "กองช่างฯ", "กองส่งเสริมฯ"]
    groups = unit_groups(names, organization=organization)
    assert groups == [
        ["กค."],
        ["สป."],
        ["กช.", "กองช่างฯ"],  # กช. is กองช่าง, the one unit "กองช่างฯ" can be
        [HEALTH, "กองสาธารณสุขฯ"],
        ["กศ."],
        ["กองส่งเสริมฯ"],
    ]
    assert [group_name(g, organization=organization) for g in groups] == [
        KLANG,
        PALAD,
        CHANG,
        HEALTH,
        EDUCATION,
        "กองส่งเสริมฯ",  # the data cannot write it out: kept as written
    ]


# --- the module's own examples ---------------------------------------------------------------


def test_the_docstring_examples_hold():
    failed, tried = doctest.testmod(unitnames)
    assert tried >= 15
    assert failed == 0
