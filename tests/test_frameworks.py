"""The ITA frameworks as data (tracker/data/ita-frameworks.json): which years have one, the
seed's scores, the grade bands, and the result labels of 2566 and 2567-2568 at every edge.

Expected values are written by hand from ../shared/design/domain.md (sections 2 and 5) and
the seed report: the 30/30/40 weights give the seed 99.76; from 2566 a result is ผ่าน at 85;
2567's ผ่านดีเยี่ยม needs the overall and each of IIT, EIT and OIT at 95 or more.
"""

from __future__ import annotations

import json

import pytest

from tracker import frameworks
from tracker.frameworks import framework_for

SEED_SCORES = {
    1: 100.0,
    2: 100.0,
    3: 100.0,
    4: 99.73,
    5: 99.87,
    6: 98.73,
    7: 99.76,
    8: 99.38,
    9: 100.0,
    10: 100.0,
}


def tools(iit: float, eit: float, oit: float) -> dict[str, float]:
    return {"IIT": iit, "EIT": eit, "OIT": oit}


ALL_AT_100 = tools(100, 100, 100)


# --- years ---------------------------------------------------------------------------------


@pytest.mark.parametrize("year", [2562, 2563, 2564, 2565, 2566, 2567, 2568])
def test_every_year_from_2562_to_2568_has_a_framework_of_ten_indicators(year):
    framework = framework_for(year)

    assert framework is not None
    assert [i.number for i in framework.indicators] == list(range(1, 11))
    assert framework.weights == {"IIT": 0.30, "EIT": 0.30, "OIT": 0.40}


@pytest.mark.parametrize("year", [2561, 2569])
def test_years_outside_the_data_have_no_framework(year):
    assert framework_for(year) is None


def test_the_indicators_belong_to_their_tools_as_in_the_domain_notes():
    framework = framework_for(2565)

    assert [i.number for i in framework.indicators_of("IIT")] == [1, 2, 3, 4, 5]
    assert [i.number for i in framework.indicators_of("EIT")] == [6, 7, 8]
    assert [i.number for i in framework.indicators_of("OIT")] == [9, 10]
    assert framework.indicator(9).name == "การเปิดเผยข้อมูล"
    assert framework.indicator(4).name == "การใช้ทรัพย์สินของราชการ"
    assert framework.indicator(9).title("en") == "Disclosure of information"
    assert framework.indicator(9).title("th") == "การเปิดเผยข้อมูล"


# --- scores and grades -----------------------------------------------------------------------


def test_the_seed_scores_give_99_76_and_the_tool_means_of_the_report():
    framework = framework_for(2565)

    assert framework.overall(SEED_SCORES) == 99.76  # not the plain mean, 99.75
    assert framework.tool_scores(SEED_SCORES) == {"IIT": 99.92, "EIT": 99.29, "OIT": 100.0}


def test_no_overall_without_every_indicator_and_no_mean_for_an_incomplete_tool():
    framework = framework_for(2565)
    partial = {n: s for n, s in SEED_SCORES.items() if n != 7}

    assert framework.overall(partial) is None
    assert framework.tool_scores(partial) == {"IIT": 99.92, "OIT": 100.0}


@pytest.mark.parametrize(
    ("score", "grade"),
    [
        (100.0, "AA"),
        (95.0, "AA"),
        (94.99, "A"),
        (85.0, "A"),
        (84.99, "B"),
        (75.0, "B"),
        (74.99, "C"),
        (65.0, "C"),
        (64.99, "D"),
        (55.0, "D"),
        (54.99, "E"),
        (50.0, "E"),
        (49.99, "F"),
        (0.0, "F"),
    ],
)
def test_grade_band_edges(score, grade):
    assert framework_for(2565).grade(score) == grade


# --- labels ----------------------------------------------------------------------------------


@pytest.mark.parametrize("year", [2562, 2563, 2565])
def test_years_before_2566_have_no_label(year):
    assert framework_for(year).label(99.76, ALL_AT_100) is None


@pytest.mark.parametrize(
    ("overall", "label", "english"),
    [
        (100.0, "ผ่าน", "pass"),
        (85.0, "ผ่าน", "pass"),
        (84.99, "ไม่ผ่าน", "not pass"),
        (0.0, "ไม่ผ่าน", "not pass"),
    ],
)
def test_2566_labels_pass_from_85(overall, label, english):
    framework = framework_for(2566)

    assert framework.label(overall, {}) == label  # the overall alone decides
    assert framework.label(overall, {}, "en") == english


@pytest.mark.parametrize("year", [2567, 2568])
@pytest.mark.parametrize(
    ("overall", "scores", "label"),
    [
        (95.0, tools(95, 95, 95), "ผ่านดีเยี่ยม"),
        (100.0, ALL_AT_100, "ผ่านดีเยี่ยม"),
        (95.0, tools(95, 94.99, 100), "ผ่านดี"),  # one tool short of 95
        (96.0, tools(94.99, 100, 100), "ผ่านดี"),
        (94.99, ALL_AT_100, "ผ่านดี"),  # the overall short of 95
        (85.0, tools(85, 85, 85), "ผ่านดี"),
        (85.0, tools(85, 84.99, 85), "ผ่าน"),  # one tool short of 85
        (97.0, tools(100, 100, 70), "ผ่าน"),  # a high overall does not make up for a tool
        (84.99, ALL_AT_100, "ต้องปรับปรุง"),
        (70.0, tools(60, 60, 60), "ต้องปรับปรุง"),
        (69.99, ALL_AT_100, "ต้องปรับปรุงโดยด่วน"),
        (0.0, tools(0, 0, 0), "ต้องปรับปรุงโดยด่วน"),
    ],
)
def test_2567_five_labels_at_every_edge(year, overall, scores, label):
    assert framework_for(year).label(overall, scores) == label


def test_2567_labels_in_english():
    framework = framework_for(2567)

    assert framework.label(95.0, tools(95, 95, 95), "en") == "excellent pass"
    assert framework.label(85.0, tools(85, 85, 85), "en") == "good pass"
    assert framework.label(85.0, tools(85, 80, 85), "en") == "pass"
    assert framework.label(84.99, ALL_AT_100, "en") == "needs improvement"
    assert framework.label(69.99, ALL_AT_100, "en") == "needs urgent improvement"


def test_a_2567_label_that_depends_on_a_missing_tool_score_is_refused():
    framework = framework_for(2567)

    with pytest.raises(ValueError, match="EIT"):
        framework.label(96.0, {"IIT": 96.0, "OIT": 96.0})
    # below 85 no label looks at the tools: the overall alone decides
    assert framework.label(80.0, {}) == "ต้องปรับปรุง"


# --- what the data says it does not know ------------------------------------------------------


def test_the_seed_years_are_confirmed_and_later_years_say_what_is_not():
    assert framework_for(2565).unconfirmed == ()
    for year in (2566, 2567, 2568):
        fields = {u.field for u in framework_for(year).unconfirmed}
        assert {"indicators", "weights"} <= fields, year
        assert all(u.reason.strip() for u in framework_for(year).unconfirmed)
    assert "labels" in {u.field for u in framework_for(2568).unconfirmed}
    assert "labels" not in {u.field for u in framework_for(2567).unconfirmed}
    assert {u.field for u in framework_for(2562).unconfirmed} == {
        "indicators",
        "weights",
        "grades",
    }


def test_tool_names_in_both_languages():
    assert frameworks.tool_named("OIT").title("th") == "แบบตรวจการเปิดเผยข้อมูลสาธารณะ"
    assert (
        frameworks.tool_named("EIT").title("en") == "External Integrity and Transparency Assessment"
    )


# --- refusing data that would score wrongly -----------------------------------------------------


def _entry(**changes):
    entry = {
        "years": [2600, 2600],
        "indicators": [
            {"number": 1, "name": "หนึ่ง", "tool": "IIT"},
            {"number": 2, "name": "สอง", "tool": "OIT"},
        ],
        "weights": {"IIT": 0.5, "OIT": 0.5},
        "grades": [{"grade": "A", "min": 50}, {"grade": "F", "min": 0}],
    }
    entry.update(changes)
    return entry


@pytest.mark.parametrize(
    ("entry", "message"),
    [
        (_entry(weights={"IIT": 0.5, "OIT": 0.4}), "do not add up to 1"),
        (_entry(weights={"IIT": 0.5, "EIT": 0.5}), "tools"),
        (_entry(labels=[{"th": "ผ่าน", "en": "pass", "min_overall": 85}]), "last label"),
        (_entry(same_as=2599), "same_as 2599"),
    ],
)
def test_framework_data_that_would_score_wrongly_is_refused(tmp_path, monkeypatch, entry, message):
    path = tmp_path / "frameworks.json"
    path.write_text(json.dumps({"tools": {}, "frameworks": [entry]}), encoding="utf-8")
    monkeypatch.setattr(frameworks, "DATA", path)
    frameworks._data.cache_clear()
    frameworks._frameworks.cache_clear()
    try:
        with pytest.raises(ValueError, match=message):
            frameworks.frameworks()
    finally:
        monkeypatch.undo()
        frameworks._data.cache_clear()
        frameworks._frameworks.cache_clear()
