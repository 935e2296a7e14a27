"""The district leaders' list (区领导及分管或联系单位) pasted from Excel or a document."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ballot_app.domain.oversight import TOO_MANY_LINES, LeaderLine, parse_leader_lines

UNITS = ["区财政局", "区教育局", "区卫健委", "某某镇"]


def test_an_excel_copy_with_a_header_gives_one_leader_a_line():
    text = "姓名\t职务\t分管或联系单位\t四大家\n张三\t副区长\t区财政局、区教育局\n李四\t区委书记\t\t是\n"
    result = parse_leader_lines(text, UNITS)
    assert result.problems == ()
    assert result.leaders == (
        LeaderLine(2, "张三", "副区长", ("区财政局", "区教育局"), False),
        LeaderLine(3, "李四", "区委书记", (), True),
    )


def test_commas_separate_columns_when_the_line_has_no_tab():
    result = parse_leader_lines("张三，副区长，区财政局\n李四,区长,区教育局、区卫健委", UNITS)
    assert result.problems == ()
    assert [(x.name, x.post, x.unit_names) for x in result.leaders] == [
        ("张三", "副区长", ("区财政局",)),
        ("李四", "区长", ("区教育局", "区卫健委")),
    ]


def test_after_a_tab_commas_separate_units_not_columns():
    result = parse_leader_lines("张三\t副区长\t区财政局，区教育局,区卫健委", UNITS)
    assert result.problems == ()
    assert result.leaders[0].unit_names == ("区财政局", "区教育局", "区卫健委")


@pytest.mark.parametrize("between", ["、", "；", ";", "，", ",", "/", " ", "\u3000", " 、 "])
def test_every_unit_separator_is_understood(between):
    result = parse_leader_lines(f"张三\t副区长\t区财政局{between}区教育局", UNITS)
    assert result.problems == ()
    assert result.leaders[0].unit_names == ("区财政局", "区教育局")


def test_spaces_are_stripped_and_repeated_units_kept_once_in_order():
    text = "\u3000张三 \t 副区长\u3000\t\u3000区教育局、区财政局 、区教育局；区财政局\u3000"
    leader = parse_leader_lines(text, UNITS).leaders[0]
    assert (leader.name, leader.post) == ("张三", "副区长")
    assert leader.unit_names == ("区教育局", "区财政局")


def test_trailing_empty_columns_are_fine_and_the_post_may_be_empty():
    result = parse_leader_lines("张三\t副区长\t区财政局\t\t\t\n李四,,区教育局,,", UNITS)
    assert result.problems == ()
    assert [(x.name, x.post) for x in result.leaders] == [("张三", "副区长"), ("李四", "")]


@pytest.mark.parametrize("mark", ["是", "四大家", "√", "✓", "Y", "y", "yes", "YES", "1"])
def test_the_fourth_column_marks_a_top_leader(mark):
    leader = parse_leader_lines(f"李四\t区长\t\t{mark}", UNITS).leaders[0]
    assert leader.is_top


@pytest.mark.parametrize("mark", ["", "否", "N", "n", "no", "0"])
def test_an_empty_or_negative_fourth_column_is_not_top(mark):
    leader = parse_leader_lines(f"张三\t副区长\t区财政局\t{mark}", UNITS).leaders[0]
    assert not leader.is_top


@pytest.mark.parametrize("mark", ["不是", "2", "Ｙ", "１", "区教育局"])
def test_anything_else_in_the_fourth_column_is_told(mark):
    text = f"张三\t副区长\t区财政局\n\n李四\t区长\t区教育局\t{mark}"
    result = parse_leader_lines(text, UNITS)
    assert result.problems == ("第 3 行：第四列只填「是」或留空（是否四大家领导）。",)
    assert [x.name for x in result.leaders] == ["张三"]


def test_a_top_leader_may_also_have_units():
    leader = parse_leader_lines("李四\t区长\t区教育局\t是", UNITS).leaders[0]
    assert leader.is_top and leader.unit_names == ("区教育局",)


def test_only_a_first_line_that_says_姓名_is_a_header():
    assert parse_leader_lines("\n 姓名 ，职务\n张三，副区长，区财政局", UNITS).problems == ()
    result = parse_leader_lines("张三，副区长，区财政局\n姓名，职务", UNITS)
    assert [x.name for x in result.leaders] == ["张三"]
    assert result.problems[0].startswith("第 2 行：")


def test_an_empty_name_is_told():
    result = parse_leader_lines("\t副区长\t区财政局", UNITS)
    assert result.leaders == ()
    assert result.problems[0].startswith("第 1 行：")
    assert "姓名是空的" in result.problems[0]


def test_a_name_over_64_characters_or_a_post_over_120_is_told():
    assert parse_leader_lines(f"{'张' * 64}\t{'职' * 120}\t区财政局", UNITS).problems == ()
    long_name = parse_leader_lines(f"{'张' * 65}\t副区长\t区财政局", UNITS)
    assert long_name.leaders == ()
    assert "姓名最多 64 个字" in long_name.problems[0]
    long_post = parse_leader_lines(f"张三\t{'职' * 121}\t区财政局", UNITS)
    assert long_post.leaders == ()
    assert "职务最多 120 个字" in long_post.problems[0]


def test_a_unit_not_on_the_unit_list_is_named():
    result = parse_leader_lines("张三\t副区长\t区财政局\n李四\t副区长\t区财政局、某某局", UNITS)
    assert result.problems == (
        "第 2 行：找不到单位「某某局」，请先在单位名单里添加，或改成名单上的名称。",
    )
    assert [x.name for x in result.leaders] == ["张三"]


def test_full_width_letters_are_not_folded_into_unit_names():
    result = parse_leader_lines("张三\t副区长\t区财政局", ["区财政局", "ＡＢ局"])
    assert result.problems == ()
    assert "「AB局」" in parse_leader_lines("张三\t副区长\tAB局", ["ＡＢ局"]).problems[0]


def test_the_same_name_on_a_second_line_is_the_second_lines_problem():
    text = "张三\t副区长\t区财政局\n李四\t区长\t\t是\n张　三\t副区长\t区教育局"
    result = parse_leader_lines(text, UNITS)
    assert [x.line_no for x in result.leaders] == [1, 2]
    assert len(result.problems) == 1
    assert result.problems[0].startswith("第 3 行：")
    assert "第 1 行已经填过" in result.problems[0]


def test_more_than_four_columns_is_told():
    result = parse_leader_lines("张三，副区长，区财政局，区教育局，区卫健委", UNITS)
    assert result.leaders == ()
    assert result.problems[0].startswith("第 1 行：最多四列")
    assert "5 列" in result.problems[0]


def test_a_leader_with_no_units_who_is_not_top_is_told():
    result = parse_leader_lines("张三\t副区长\n李四\t副区长\t\t否", UNITS)
    assert result.leaders == ()
    assert result.problems == (
        "第 1 行：请填写分管或联系的单位，或在第四列填「是」表示四大家领导。",
        "第 2 行：请填写分管或联系的单位，或在第四列填「是」表示四大家领导。",
    )


def test_several_faults_on_a_line_make_one_sentence():
    result = parse_leader_lines(f"{'张' * 65}\t{'职' * 121}\t甲局、乙局\t不知道", UNITS)
    (problem,) = result.problems
    assert problem.startswith("第 1 行：") and problem.endswith("。")
    assert problem.count("。") == 1
    assert "「甲局」、「乙局」" in problem


def test_crlf_and_blank_lines_keep_the_line_numbers_of_the_paste():
    result = parse_leader_lines(
        "\r\n张三\t副区长\t区财政局\r\n\r\n  \r\n李四\t区长\t\t是\r\n", UNITS
    )
    assert result.problems == ()
    assert [(x.line_no, x.name, x.post) for x in result.leaders] == [
        (2, "张三", "副区长"),
        (5, "李四", "区长"),
    ]


def test_at_most_500_lines_in_one_paste():
    lines = [f"领导{i}\t副区长\t区财政局" for i in range(500)]
    assert len(parse_leader_lines("姓名\t职务\n" + "\n".join(lines), UNITS).leaders) == 500
    too_many = parse_leader_lines("\n".join([*lines, "领导500\t副区长\t区财政局"]), UNITS)
    assert too_many.leaders == ()
    assert too_many.problems == (TOO_MANY_LINES,) == ("一次最多粘贴 500 行，请分几次粘贴。",)


def test_nothing_pasted_gives_nothing():
    assert parse_leader_lines("", UNITS) == parse_leader_lines("\n \n\t\n，，\n", UNITS)
    assert parse_leader_lines("", UNITS).leaders == parse_leader_lines("", UNITS).problems == ()


PIECES = ["\t", "\n", "\r\n", "\r", "，", ",", "、", "；", "/", " ", "\u3000", "是", "否"]
PIECES += ["姓名", "张三", "李四", *UNITS, "某某局"]


@given(
    st.lists(st.one_of(st.sampled_from(PIECES), st.text(max_size=4)), max_size=60).map("".join),
    st.lists(st.sampled_from([*UNITS, "某某局", ""]), max_size=4),
)
def test_any_paste_is_read_without_an_error(text, known):
    result = parse_leader_lines(text, known)
    for leader in result.leaders:
        assert set(leader.unit_names) <= set(known)
        assert len(set(leader.unit_names)) == len(leader.unit_names)
        assert leader.name and (leader.unit_names or leader.is_top)
    for problem in result.problems:
        assert problem.startswith("第 ")
    numbers = [x.line_no for x in result.leaders]
    assert numbers == sorted(set(numbers))
