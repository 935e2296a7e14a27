"""The second-teller check and the paper rows (domain.paper)."""

from ballot_app.domain.ballot_spec import EvalueeLine, build_spec
from ballot_app.domain.choices import Category
from ballot_app.domain.paper import blank_marks, compare_passes, paper_spec, short_marks

SPEC = paper_spec(
    build_spec(
        Category.B,
        [EvalueeLine(1, "甲一", "镇长"), EvalueeLine(2, "乙二", "副镇长")],
        form5=True,
        form6=True,
        secretary_name="丙三",
    )
)


def test_every_paper_row_offers_the_choices_then_empty_and_over_marked():
    for row in SPEC.rows:
        assert row.codes[-2:] == ("empty", "over_marked")
    assert blank_marks(SPEC) == {r.field: "empty" for r in SPEC.rows}


def test_a_sheet_reads_in_one_line_one_character_a_row():
    marks = {"f5_1": "excellent", "f5_2": "over_marked", "f6_duty": "fairly_good"}
    assert short_marks(SPEC, marks) == "优× / 较—"


def test_two_equal_passes_agree():
    sheet = {"f5_1": "excellent", "f5_2": "empty", "f6_duty": "good", "f6_activity": "poor"}
    assert compare_passes(SPEC, [sheet, sheet], [dict(sheet), dict(sheet)]) == []


def test_each_disagreeing_row_is_named_with_both_readings():
    first = [{"f5_1": "excellent", "f6_duty": "good"}, {"f5_2": "competent"}]
    second = [{"f5_1": "excellent", "f6_duty": "over_marked"}, {"f5_2": "incompetent"}]
    found = compare_passes(SPEC, first, second)
    assert [(d.sheet, d.row.field) for d in found if d.row] == [(1, "f6_duty"), (2, "f5_2")]
    assert (
        found[0].describe()
        == "第 1 张「丙三同志履行管党责任情况」：第一遍是「好」，第二遍是「多选」。"
    )


def test_a_missing_sheet_is_a_difference_even_when_the_rest_agree():
    sheet = {"f5_1": "excellent"}
    found = compare_passes(SPEC, [sheet, sheet], [sheet])
    assert len(found) == 1 and found[0].describe() == "第一遍录了 2 张，第二遍录了 1 张。"
