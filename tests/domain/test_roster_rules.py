"""Who is assessed where (SPEC "Units and rosters"): the cut-off, the main post, re-imports."""

from collections import Counter
from datetime import date

from hypothesis import given, settings
from hypothesis import strategies as st

from ballot_app.domain.roster_rules import (
    EntryChange,
    RosterEntry,
    RosterLine,
    Rule,
    apply_diff,
    default_cutoff,
    diff,
    place_roster,
)

CUTOFF = default_cutoff(2026)


def line(n=2, name="王小明", unit="示例镇", post="镇长", **kw):
    return RosterLine(n, name, unit, post, **kw)


def place(*lines, cutoff=CUTOFF, **kw):
    return place_roster(list(lines), cutoff, **kw)


def messages(check):
    return [p.message for p in check.problems]


def test_the_default_cut_off_is_september_30_of_the_campaign_year():
    assert default_cutoff(2026) == date(2026, 9, 30)


def test_no_change_date_is_assessed_in_the_current_post():
    (p,) = place(line()).placements
    assert (p.unit, p.post, p.rule, p.is_assessed) == ("示例镇", "镇长", Rule.CURRENT, True)
    assert p.rule_text == "按现任职务考核"
    assert p.problems == ()


def test_a_change_on_the_cut_off_day_is_assessed_in_the_new_post():
    (p,) = place(line(changed_on=CUTOFF, old_unit="示例局", old_post="副局长")).placements
    assert (p.unit, p.post, p.rule) == ("示例镇", "镇长", Rule.CHANGED_BEFORE)
    assert p.rule_text == "9月30日前异动，按新任职务考核"
    assert p.is_assessed and not p.problems


def test_a_change_before_the_cut_off_needs_no_old_unit():
    check = place(line(changed_on=date(2026, 3, 1)))
    assert check.placements[0].rule is Rule.CHANGED_BEFORE
    assert not check.problems


def test_a_change_the_day_after_is_assessed_in_the_old_post_in_the_old_unit():
    (p,) = place(
        line(changed_on=date(2026, 10, 1), old_unit="示例局", old_post="副局长")
    ).placements
    assert (p.unit, p.post, p.rule, p.is_assessed) == ("示例局", "副局长", Rule.CHANGED_AFTER, True)
    assert p.rule_text == "9月30日后异动，在原单位按原职务考核"
    assert p.entry == RosterEntry("王小明", "示例局", "副局长")


def test_the_phrases_use_the_campaign_s_own_cut_off():
    cutoff = date(2026, 10, 31)
    (p,) = place(line(changed_on=date(2026, 10, 31)), cutoff=cutoff).placements
    assert p.rule_text == "10月31日前异动，按新任职务考核"
    check = place(line(changed_on=date(2026, 11, 1)), cutoff=cutoff)
    assert messages(check) == [
        "第 2 行：10月31日后异动的人员要填写原单位和原职务，请补上后重新导入。"
    ]


def test_a_change_after_the_cut_off_without_the_old_post_is_an_error_saying_what_to_fill():
    both = place(line(7, changed_on=date(2026, 10, 8)))
    assert both.has_errors
    assert messages(both) == [
        "第 7 行：9月30日后异动的人员要填写原单位和原职务，请补上后重新导入。"
    ]
    one = place(line(7, changed_on=date(2026, 10, 8), old_unit="示例局"))
    assert messages(one) == ["第 7 行：9月30日后异动的人员要填写原职务，请补上后重新导入。"]


def test_an_old_post_without_a_change_date_is_a_warning():
    check = place(line(old_unit="示例局", old_post="副局长"))
    assert not check.has_errors
    (problem,) = check.problems
    assert not problem.is_error
    assert "请补上任职变动日期" in problem.message
    assert check.placements[0].rule is Rule.CURRENT


def test_a_change_date_after_the_campaign_year_is_a_warning():
    check = place(line(changed_on=date(2027, 1, 5), old_unit="示例局", old_post="副局长"))
    assert not check.has_errors
    assert messages(check) == ["第 2 行：任职变动日期2027年1月5日晚于2026年底，请核对是否填错。"]
    assert not place(line(changed_on=date(2026, 12, 31), old_unit="甲", old_post="乙")).problems


def test_empty_and_overlong_cells_are_errors():
    check = place(line(3, name="", post=""))
    assert messages(check) == ["第 3 行：没有填写姓名、职务，请补上后重新导入。"]
    assert messages(place(line(unit="镇" * 121))) == [
        "第 2 行：单位超过 120 个字，请改短后重新导入。"
    ]


def test_two_posts_with_a_main_one_are_assessed_once_and_the_other_shows_as_concurrent():
    main, other = place(
        line(2, post="党委书记", is_main=True), line(3, post="人大主席", is_main=False)
    ).placements
    assert (main.is_assessed, main.rule) == (True, Rule.CURRENT)
    assert (other.is_assessed, other.rule, other.main_line_no) == (False, Rule.CONCURRENT, 2)
    assert other.rule_text == "兼任，按主要职务考核"
    # the others may as well be left empty: one line marked 是 is enough
    check = place(line(2, post="党委书记"), line(3, post="人大主席", is_main=True))
    assert [p.is_assessed for p in check.placements] == [False, True]
    assert not check.problems


def test_two_posts_without_a_main_one_is_an_error_on_each_line_naming_the_lines():
    check = place(line(4, post="党委书记"), line(9, post="人大主席", is_main=False))
    assert check.has_errors
    assert messages(check) == [
        f"第 {n} 行：王小明在第 4、9 行有 2 个职务，但没有标明主要职务，"
        "请在主要职务那一行的“主要职务”填“是”、其余填“否”后重新导入。"
        for n in (4, 9)
    ]


def test_two_main_posts_is_an_error_on_each_line():
    check = place(
        line(4, post="党委书记", is_main=True),
        line(5, post="人大主席", is_main=True),
        line(6, post="武装部长"),
    )
    assert [p.line_no for p in check.problems] == [4, 5, 6]
    assert all("第 4、5 行都标为主要职务，只能有一个" in m for m in messages(check))


def test_a_person_in_two_units_is_assessed_in_the_main_unit_only():
    check = place(
        line(2, unit="示例镇", post="党委书记", is_main=True),
        line(3, unit="示例局", post="党组成员", is_main=False),
        line(4, name="李晓红", unit="示例局", post="局长"),
    )
    assert not check.problems
    assert [(p.unit, p.is_assessed) for p in check.placements] == [
        ("示例镇", True),
        ("示例局", False),
        ("示例局", True),
    ]


def test_a_main_post_changed_after_the_cut_off_is_assessed_in_the_old_unit():
    main, other = place(
        line(2, changed_on=date(2026, 11, 2), old_unit="示例局", old_post="局长", is_main=True),
        line(3, unit="示例乡", post="党委委员", is_main=False),
    ).placements
    assert (main.unit, main.post, main.is_assessed) == ("示例局", "局长", True)
    assert other.rule is Rule.CONCURRENT


def test_a_single_post_marked_not_main_is_an_error_in_a_campaign_wide_import():
    check = place(line(is_main=False))
    assert messages(check) == [
        "第 2 行：王小明只有这一个职务，“主要职务”却填了“否”，请改为“是”或留空后重新导入。"
    ]


def test_in_a_unit_s_own_roster_posts_marked_not_main_have_their_main_post_elsewhere():
    check = place(line(is_main=False), campaign_wide=False)
    assert not check.has_errors
    (p,) = check.placements
    assert (p.rule, p.is_assessed, p.main_line_no) == (Rule.CONCURRENT, False, None)
    assert "请确认主要职务所在单位的名册中有此人" in p.problems[0].message
    # one line left empty is still an error there: nobody said where the main post is
    assert place(line(2), line(3, post="副镇长", is_main=False), campaign_wide=False).has_errors


def test_a_repeated_line_is_a_duplicate_error_naming_the_earlier_line():
    check = place(line(5), line(6, name="李晓红"), line(9))
    assert messages(check) == [
        "第 9 行：与第 5 行重复（姓名、单位、职务都相同），请删去其中一行后重新导入。"
    ]
    assert [p.is_assessed for p in check.placements] == [True, True, False]


# Property: random rosters of a few people around the cut-off.

NAMES = ("王小明", "李晓红", "张晓东", "赵一凡")
UNITS = ("示例镇", "示例局", "示例乡")
POSTS = ("镇长", "党委书记", "副局长", "武装部长")
DAYS = st.one_of(st.none(), st.dates(date(2026, 9, 28), date(2026, 10, 2)))

roster_lines = st.lists(
    st.tuples(
        st.sampled_from(NAMES),
        st.sampled_from(UNITS),
        st.sampled_from(POSTS),
        st.booleans(),  # 原单位 and 原职务 filled
        DAYS,
        st.sampled_from((True, False, None)),
    ),
    max_size=8,
).map(
    lambda rows: [
        RosterLine(
            n,
            name,
            unit,
            post,
            old_unit="示例县" if old else "",
            old_post="副县长" if old else "",
            changed_on=changed_on,
            is_main=is_main,
        )  # fmt: skip
        for n, (name, unit, post, old, changed_on, is_main) in enumerate(rows, 2)
    ]
)


@settings(max_examples=150, deadline=None)
@given(lines=roster_lines, campaign_wide=st.booleans())
def test_every_line_is_placed_once_and_each_person_assessed_once_when_there_are_no_errors(
    lines, campaign_wide
):
    check = place_roster(lines, CUTOFF, campaign_wide=campaign_wide)
    assert [p.source for p in check.placements] == lines
    assert all(p.rule_text == p.rule.text(CUTOFF) for p in check.placements)
    assert all(p.rule is not Rule.CONCURRENT or not p.is_assessed for p in check.placements)
    if check.has_errors:
        return
    assessed = Counter(p.source.name for p in check.assessed)
    for name in {ln.name for ln in lines}:
        own = [ln for ln in lines if ln.name == name]
        elsewhere = not campaign_wide and all(ln.is_main is False for ln in own)
        assert assessed[name] == (0 if elsewhere else 1)
    for p in check.placements:
        changed = p.source.changed_on
        if p.rule is Rule.CHANGED_AFTER:
            assert changed is not None and changed > CUTOFF
            assert (p.unit, p.post) == (p.source.old_unit, p.source.old_post)


# Re-imports


def entry(name="王小明", unit="示例镇", post="镇长", **kw):
    return RosterEntry(name, unit, post, **kw)


def test_a_re_import_lists_added_removed_moved_and_changed():
    old = [entry(), entry("李晓红", post="副镇长"), entry("张晓东", post="武装部长")]
    new = [
        entry(unit="示例局", post="局长"),
        entry("李晓红", post="副镇长", portfolio="分管农业", is_principal=True),
        entry("赵一凡", post="副镇长"),
    ]
    d = diff(old, new)
    assert d.added == (entry("赵一凡", post="副镇长"),)
    assert d.removed == (entry("张晓东", post="武装部长"),)
    assert d.moved == (EntryChange(old[0], new[0]),)
    assert d.moved[0].labels == ("单位", "职务")
    assert d.changed == (EntryChange(old[1], new[1]),)
    assert d.changed[0].fields == ("portfolio", "is_principal")


def test_a_person_with_two_posts_keeps_the_unchanged_one():
    old = [entry(post="党委书记"), entry(post="人大主席")]
    new = [entry(post="人大主席"), entry(post="党委书记", is_secretary=True)]
    d = diff(old, new)
    assert (d.added, d.removed, d.moved) == ((), (), ())
    assert [c.labels for c in d.changed] == [("党组织书记",)]


entries = st.lists(
    st.builds(
        RosterEntry,
        st.sampled_from(NAMES),
        st.sampled_from(UNITS),
        st.sampled_from(POSTS),
        st.sampled_from(("", "分管财政")),
        st.booleans(),
        st.booleans(),
    ),
    max_size=8,
)


@settings(max_examples=150, deadline=None)
@given(old=entries, new=entries)
def test_diff_is_empty_for_the_same_roster_and_applying_it_gives_the_new_one(old, new):
    assert diff(old, list(old)).is_empty
    d = diff(old, new)
    assert d == diff(list(old), list(new))
    assert Counter(apply_diff(old, d)) == Counter(new)
    assert all(c.old.unit != c.new.unit for c in d.moved)
    assert all(
        c.old.unit == c.new.unit and c.old.name == c.new.name and c.fields for c in d.changed
    )
    assert d.is_empty == (Counter(old) == Counter(new))
