"""The score sheets' rules (附件2, 3, 4): scores, the whole-sheet check, who rates whom, the
digest that seals a sheet."""

from __future__ import annotations

from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from ballot_app.domain.score_sheets import (
    ALL_EQUAL,
    Person,
    Rater,
    ScoreRow,
    SheetKind,
    check_sheet,
    parse_score,
    propose_sheets,
    score_problem,
    sheet_digest,
    short_digest,
)


def test_scores_are_exact_decimals_from_0_to_100_with_one_decimal_at_most():
    assert parse_score("92") == Decimal("92") and parse_score(" 88.5 ") == Decimal("88.5")
    assert parse_score("100") == 100 and parse_score("100.0") == 100 and parse_score("0") == 0
    assert parse_score("９１．５") == Decimal("91.5")  # typed on a Chinese keyboard
    for bad in ("101", "100.5", "-1", "88.55", "abc", "", "1e2", "NaN", "88,5", "９９９"):
        assert parse_score(bad) is None, bad


def test_each_bad_score_gets_a_sentence_that_says_what_to_type():
    assert score_problem("") == "请填写得分（0 到 100 分）。"
    assert score_problem("101") == "得分要在 0 到 100 分之间。"
    assert score_problem("-3") == "得分要在 0 到 100 分之间。"
    assert score_problem("88.55") == "得分最多保留一位小数，例如 88.5。"
    assert score_problem("优秀") == "得分只填数字，例如 92 或 88.5。"
    assert score_problem("1e2") == "得分只填数字，例如 92 或 88.5。"
    assert score_problem("95") is None


@given(st.decimals(min_value=0, max_value=100, places=1, allow_nan=False))
def test_every_score_with_one_decimal_reads_back_exactly(value):
    assert parse_score(str(value)) == value and score_problem(str(value)) is None


@given(st.text(max_size=20))
def test_any_text_is_either_a_score_or_a_sentence(text):
    assert (parse_score(text) is None) == (score_problem(text) is not None)


def test_every_row_must_be_scored_and_nothing_typed_is_taken_for_a_score():
    check = check_sheet(SheetKind.ANNEX3, [1, 2, 3], {1: ("90", ""), 3: ("abc", "x")})
    assert not check.is_valid
    assert check.problems == {
        2: "请填写得分（0 到 100 分）。",
        3: "得分只填数字，例如 92 或 88.5。",
    }


def test_annexes_2_and_4_refuse_a_sheet_whose_scores_are_all_equal():
    same = {1: ("90", ""), 2: ("90.0", ""), 3: ("90", "")}
    for kind in (SheetKind.ANNEX2, SheetKind.ANNEX2_PRINCIPALS, SheetKind.ANNEX4):
        check = check_sheet(kind, [1, 2, 3], same)
        assert check.sheet_problem and check.sheet_problem.startswith(ALL_EQUAL)
    assert check_sheet(SheetKind.ANNEX3, [1, 2, 3], same).is_valid  # annex 3 has no such rule
    assert check_sheet(SheetKind.ANNEX4, [1], {1: ("90", "")}).is_valid  # one row cannot differ
    spread = {1: ("90", ""), 2: ("90", ""), 3: ("85.5", "分管工作突出")}
    check = check_sheet(SheetKind.ANNEX4, [1, 2, 3], spread)
    assert check.is_valid and [r.score for r in check.rows] == [90, 90, Decimal("85.5")]
    assert check.rows[2].remark == "分管工作突出"


def test_a_remark_over_200_characters_is_told():
    check = check_sheet(SheetKind.ANNEX3, [1], {1: ("80", "长" * 201)})
    assert check.problems == {1: "备注最多 200 个字。"}


def _people():
    return [
        Person(1, 10, "王书记", "党委书记", is_principal=True),
        Person(2, 10, "李镇长", "镇长", is_principal=True),
        Person(3, 10, "张副镇长", "副镇长", "农业"),
        Person(4, 10, "赵委员", "组织委员", "组织"),
        Person(5, 20, "钱局长", "局长", is_principal=True),
        Person(6, 20, "孙副局长", "副局长"),
        Person(7, 20, "周兼任", "副局长", is_concurrent=True),
    ]


def test_the_rosters_propose_who_rates_whom():
    leader = Rater("leader:1", "吴区长", "区领导")
    top = [Rater("top:1", "郑书记", "四大家领导")]
    sheets = propose_sheets(
        _people(),
        {10: [leader]},
        top,
        {10: Rater("group:10", "东山镇绩效考核领导小组", "绩效考核领导小组")},
    )
    kinds = [(s.kind, s.rater.name, s.unit_id, s.member_ids) for s in sheets]
    assert (SheetKind.ANNEX2, "吴区长", 10, (1, 2, 3, 4)) in kinds
    assert (SheetKind.ANNEX2_PRINCIPALS, "郑书记", None, (1, 2, 5)) in kinds
    assert (SheetKind.ANNEX3, "东山镇绩效考核领导小组", 10, (3, 4)) in kinds
    # Each principal scores the deputies, never themselves; 兼任 lines are rated elsewhere.
    assert (SheetKind.ANNEX4, "王书记", 10, (3, 4)) in kinds
    assert (SheetKind.ANNEX4, "李镇长", 10, (3, 4)) in kinds
    assert (SheetKind.ANNEX4, "钱局长", 20, (6,)) in kinds
    assert all(7 not in s.member_ids for s in sheets)
    assert not any(s.kind == SheetKind.ANNEX3 and s.unit_id == 20 for s in sheets)  # no group set


@given(st.lists(st.tuples(st.integers(1, 5), st.booleans(), st.booleans()), max_size=25))
def test_no_one_rates_themselves_and_every_assessed_person_is_on_some_sheet(rows):
    people = [
        Person(i + 1, unit, f"人{i}", "职务", is_principal=p, is_concurrent=c)
        for i, (unit, p, c) in enumerate(rows)
    ]
    leaders = {u: [Rater(f"leader:{u}", f"区领导{u}", "区领导")] for u in range(1, 6)}
    sheets = propose_sheets(people, leaders, [], {})
    for s in sheets:
        if s.rater.key.startswith("principal:"):
            assert int(s.rater.key.split(":")[1]) not in s.member_ids
    rated = {m for s in sheets for m in s.member_ids}
    assert rated == {p.member_id for p in people if not p.is_concurrent}


def test_the_digest_is_over_the_canonical_content_and_changes_with_any_score():
    rows = [ScoreRow(2, Decimal("88.5"), ""), ScoreRow(1, Decimal("92"), "好")]
    digest = sheet_digest(7, SheetKind.ANNEX4, "王书记", rows)
    assert digest == sheet_digest(7, SheetKind.ANNEX4, "王书记", reversed(rows))  # row order
    assert digest == sheet_digest(
        7, SheetKind.ANNEX4, "王书记", [ScoreRow(1, Decimal("92.0"), "好"), rows[0]]
    )  # 92 = 92.0
    changed = [ScoreRow(1, Decimal("92.1"), "好"), rows[0]]
    assert digest != sheet_digest(7, SheetKind.ANNEX4, "王书记", changed)
    assert digest != sheet_digest(8, SheetKind.ANNEX4, "王书记", rows)
    assert len(digest) == 64 and len(short_digest(digest)) == 19
