"""The score sheets' workbook (附件2、3、4): means over returned sheets only, exact to two
decimals, every row in the detail, one line per sheet."""

import io
from datetime import UTC, datetime
from decimal import Decimal

from openpyxl import load_workbook

from ballot_app.domain.score_sheets import SheetKind, SheetState
from ballot_app.extensions import db
from ballot_app.models import ScoreRow, ScoreSheet
from ballot_app.services.campaign import current_campaign
from ballot_app.services.score_export import RULE, workbook

from .. import factories

RETURNED_AT = datetime(2026, 12, 1, 2, 30, tzinfo=UTC)  # 10:30 北京时间
DIGEST = "ab" * 32


def sheet(unit, kind, key, rater, scores, *, state=SheetState.RETURNED, remark=""):
    """A sheet of `unit` scoring members by index: {index: score or None}."""
    members = unit.members
    returned = state == SheetState.RETURNED
    s = ScoreSheet(
        campaign_id=unit.campaign_id,
        kind=kind,
        unit_id=unit.id,
        rater_key=key,
        rater_name=rater,
        rater_role="党政正职" if kind == SheetKind.ANNEX4 else "区领导",
        state=state,
        digest=DIGEST if returned else "",
        returned_at=RETURNED_AT if returned else None,
        returned_via="link" if returned else "",
    )
    s.rows = [
        ScoreRow(
            member_id=members[i].id,
            unit_name=unit.name,
            name=members[i].name,
            post=members[i].post,
            position=p,
            score_tenths=None if score is None else int(Decimal(score) * 10),
            remark=remark,
        )
        for p, (i, score) in enumerate(scores.items())
    ]
    db.session.add(s)
    return s


def rows_of(ws):
    return [list(r) for r in ws.iter_rows(values_only=True)]


def test_means_count_returned_sheets_only(app):
    unit = factories.unit(members=3)  # 甲一, 乙二 党政正职; 丙三 deputy
    campaign = current_campaign()
    sheet(unit, SheetKind.ANNEX4, "principal:1", "甲一", {2: "90.0"})
    sheet(unit, SheetKind.ANNEX4, "principal:2", "乙二", {2: "85.5"})
    sheet(unit, SheetKind.ANNEX4, "extra:1", "某某", {2: "60.0"}, state=SheetState.ISSUED)
    everyone = {0: "95", 1: "88.5", 2: "80"}
    sheet(unit, SheetKind.ANNEX2, "leader:1", "张某某", everyone, remark="=1+1")
    db.session.commit()

    book = load_workbook(io.BytesIO(workbook(campaign)))
    assert book.sheetnames == ["汇总", "评分明细", "评分表"]

    summary = book["汇总"]
    rows = rows_of(summary)
    assert rows[0] == [
        "被考核单位", "姓名", "职务",
        "附件2（区领导） 平均分", "附件2（区领导） 评分人数",
        "附件4（党政正职） 平均分", "附件4（党政正职） 评分人数",
    ]  # fmt: skip
    assert [r[1] for r in rows[1:4]] == ["甲一", "乙二", "丙三"]
    deputy = rows[3]
    assert deputy[:3] == ["测试镇", "丙三", "职务3"]
    assert Decimal(str(deputy[5])) == Decimal("87.75")  # 60.0 on the open sheet left out
    assert deputy[6] == 2
    assert Decimal(str(deputy[3])) == Decimal("80.00") and deputy[4] == 1
    assert rows[1][5] is None and rows[1][6] is None  # a principal is on no annex 4 sheet
    assert summary.cell(4, 6).number_format == "0.00"
    assert summary.freeze_panes == "A2"
    assert RULE in [r[0] for r in rows[4:]]

    detail = rows_of(book["评分明细"])
    assert detail[0][:3] == ["评分表", "被考核单位", "评分人"] and detail[0][-1] == "摘要"
    assert len(detail) == 1 + 3 + 1 + 1 + 1  # annex 2's rows, then annex 4's three sheets
    first = detail[1]
    assert first[0].startswith("附件2") and first[2] == "张某某" and first[4] == "甲一"
    assert Decimal(str(first[7])) == Decimal("95.0")
    assert first[8] == "=1+1"  # a remark stays text, never a formula
    assert first[9:] == ["已交回", "个人链接", "2026-12-01 10:30", DIGEST]
    issued = next(r for r in detail if r[2] == "某某")
    assert issued[9:] == ["未交", None, None, None]
    assert book["评分明细"].cell(2, 8).number_format == "0.0"
    assert book["评分明细"].cell(2, 9).data_type == "s"

    lines = rows_of(book["评分表"])
    assert lines[0] == [
        "编号", "评分表", "被考核单位", "评分人", "人数", "状态", "交回时间", "党政正职签名", "摘要",
    ]  # fmt: skip
    assert len(lines) == 5
    assert lines[1][2:6] == ["测试镇", "张某某", 3, "已交回"]
    assert all(ws.freeze_panes == "A2" for ws in book)


def test_an_empty_year_has_only_the_heads(app):
    factories.unit(members=1)
    book = load_workbook(io.BytesIO(workbook(current_campaign())))
    assert rows_of(book["汇总"])[0] == ["被考核单位", "姓名", "职务"]
    assert rows_of(book["评分明细"])[1:] == [] and rows_of(book["评分表"])[1:] == []
