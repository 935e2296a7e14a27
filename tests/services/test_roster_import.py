"""The roster import's use cases (services/roster_import.py): what a preview checks beyond the
roster rules, how stored members pair with lines, what is written, what is exported."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from ballot_app.domain.roles import Role
from ballot_app.domain.roster_rules import Problem, RosterLine
from ballot_app.extensions import db
from ballot_app.models import Member, Unit
from ballot_app.services import roster
from ballot_app.services.roster_file import ReadResult
from ballot_app.services.roster_import import (
    RosterChanged,
    apply_import,
    campaign_scope,
    decode_read,
    encode_read,
    export_lines,
    preview_import,
    too_big,
    unit_scope,
)

from .. import factories


def lines(*rows: tuple) -> ReadResult:
    """Lines from (name, unit, post, extra fields…) rows, numbered from 2 as a sheet's."""
    found = []
    for n, (name, unit, post, *extra) in enumerate(rows, 2):
        found.append(RosterLine(n, name, unit, post, **(extra[0] if extra else {})))
    return ReadResult(tuple(found))


@pytest.fixture
def organizer(app):
    return factories.user(name="zuzhang")


@pytest.fixture
def town(organizer):
    unit = factories.unit(organizer, 0, "东风镇")
    for name, post in (("王小明", "党委书记"), ("李晓红", "镇长"), ("张伟", "副镇长")):
        roster.add_member(organizer, unit, roster.MemberInput(name, post))
    return unit


@pytest.fixture
def bureau(organizer):
    return factories.unit(organizer, 0, "红旗局")


def district(town: Unit):
    return campaign_scope(town.campaign)


def messages(preview):
    return [p.message for line in preview.lines for p in line.problems]


def ids_by_name() -> dict[str, int]:
    return {m.name: m.id for m in db.session.scalars(select(Member))}


def test_members_keep_their_rows_when_they_change_or_move_and_removed_ones_go(town, bureau):
    before = ids_by_name()
    read = lines(
        ("王小明", "东风镇", "党委书记"),
        ("李晓红", "东风镇", "党委副书记、镇长"),
        ("张伟", "红旗局", "局长"),
    )
    scope = district(town)
    preview = preview_import(scope, read)
    assert [c.new.name for c in preview.change.moved] == ["张伟"]
    apply_import(factories.user(Role.ADMIN), scope, read, preview.fingerprint)
    assert ids_by_name() == before  # same rows: existing evaluees keep their member_id
    moved = db.session.get(Member, before["张伟"])
    assert (moved.unit.name, moved.post, moved.position) == ("红旗局", "局长", 1)
    read = lines(("王小明", "东风镇", "党委书记"), ("张伟", "红旗局", "局长"))
    preview = preview_import(scope, read)
    assert [e.name for e in preview.change.removed] == ["李晓红"]
    apply_import(factories.user(Role.ADMIN), scope, read, preview.fingerprint)
    assert set(ids_by_name()) == {"王小明", "张伟"}


def test_a_stale_preview_is_refused_with_the_new_one(town, organizer):
    scope = unit_scope(town)
    read = lines(("王小明", "东风镇", "党委书记"))
    seen = preview_import(scope, read).fingerprint
    roster.move_member(organizer, town.members[1], 1)
    with pytest.raises(RosterChanged) as refused:
        apply_import(organizer, scope, read, seen)
    assert refused.value.preview.fingerprint != seen
    assert len(db.session.get(Unit, town.id).members) == 3


def test_two_party_secretaries_in_one_unit_are_an_error_on_both_lines(town):
    read = lines(
        ("王小明", "东风镇", "党委书记", {"is_secretary": True}),
        ("李晓红", "东风镇", "镇长", {"is_secretary": True}),
    )
    preview = preview_import(unit_scope(town), read)
    assert preview.errors == 2 and not preview.can_apply
    assert "「东风镇」有 2 人标为党组织书记（第 2、3 行）" in messages(preview)[0]


def test_a_unit_the_district_file_leaves_out_is_named_and_would_be_emptied(town, bureau):
    preview = preview_import(district(town), lines(("刘洋", "红旗局", "局长")))
    (note,) = preview.notes
    assert note.message.startswith("文件中没有「东风镇」的人员：确认导入后，这个单位现有的 3 名")
    assert len(preview.change.removed) == 3 and preview.warnings == 1


def test_an_archived_unit_takes_no_lines_and_keeps_its_roster(town, bureau):
    town.is_archived = True
    db.session.commit()
    preview = preview_import(district(town), lines(("王小明", "东风镇", "党委书记")))
    assert "单位「东风镇」已归档，不能导入人员" in messages(preview)[0]
    assert preview.change.removed == () and preview.notes == ()


def test_one_unit_s_roster_takes_the_old_unit_placement_of_a_late_post_change(town, bureau):
    late = {"old_unit": "东风镇", "old_post": "副镇长", "changed_on": date(2026, 11, 2)}
    into = {"old_unit": "红旗局", "old_post": "副局长", "changed_on": date(2026, 11, 2)}
    preview = preview_import(
        unit_scope(town),
        lines(("张伟", "红旗局", "局长", late), ("陈静", "东风镇", "副镇长", into)),
    )
    first, second = preview.lines
    assert (first.placement.unit, first.placement.post, first.errors) == ("东风镇", "副镇长", ())
    assert (
        "9月30日后异动的人员在原单位「红旗局」考核，不列入「东风镇」的名册"
        in second.errors[0].message
    )


def test_the_export_marks_main_and_concurrent_posts_so_it_reads_back_the_same(
    town, bureau, organizer
):
    scope = district(town)
    read = lines(
        ("王小明", "东风镇", "党委书记", {"is_main": True}),
        ("王小明", "红旗局", "党组书记", {"is_main": False}),
        ("刘洋", "红旗局", "局长"),
    )
    apply_import(organizer, scope, read, preview_import(scope, read).fingerprint)
    exported = export_lines(scope)
    assert [(ln.name, ln.unit, ln.is_main) for ln in exported] == [
        ("王小明", "东风镇", True),
        ("王小明", "红旗局", False),
        ("刘洋", "红旗局", None),
    ]
    again = preview_import(scope, ReadResult(tuple(exported)))
    assert again.is_unchanged and again.errors == 0


def test_a_concurrent_mark_a_reason_and_the_order_are_changes_too(town):
    scope = unit_scope(town)
    read = lines(
        ("李晓红", "东风镇", "镇长"),
        ("王小明", "东风镇", "党委书记", {"is_main": False}),
        ("张伟", "东风镇", "副镇长", {"changed_on": date(2026, 3, 1)}),
    )
    preview = preview_import(scope, read)
    assert preview.change.is_empty and not preview.is_unchanged and preview.can_apply
    assert preview.others == (
        "王小明（东风镇，党委书记）：改为兼任，不在这里考核。",
        "张伟（东风镇，副镇长）：考核依据改为「9月30日前异动，按新任职务考核」。",
        "「东风镇」的名单顺序将按文件中的顺序调整。",
    )


def test_what_the_preview_carries_reads_back_and_nothing_else_does():
    read = lines(
        ("王小明", "东风镇", "党委书记", {"changed_on": date(2026, 10, 1), "is_main": True}),
        ("李晓红", "红旗局", "局长", {"is_principal": True}),
    )
    read = ReadResult(read.lines, (Problem(3, "第 3 行是模板里的示例。", is_error=False),))
    assert decode_read(encode_read(read)) == ReadResult(read.lines, read.problems)
    good = encode_read(read)
    for bad in (
        {},
        {"lines": [[1, 2]], "problems": []},
        {"lines": [[True, *good["lines"][0][1:]]], "problems": []},
        {"lines": [good["lines"][0][:-1]], "problems": []},
        {"lines": good["lines"], "problems": [[1]]},
        {"lines": [[*good["lines"][0][:9], "昨天", None]], "problems": []},
        [],
    ):
        with pytest.raises(ValueError):
            decode_read(bad)


def test_the_size_refusal_is_the_reader_s_own_sentence():
    assert too_big().startswith("文件超过 5 MB")
