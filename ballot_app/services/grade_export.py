"""The year's aggregation and grades as .xlsx (admins only): the composites with their
components, the grades as recorded and decided, a unit's feedback, and the 诫勉谈话 list."""

from __future__ import annotations

import io
from collections.abc import Sequence

from openpyxl import Workbook

from ..domain.choices import FORM5_LABELS, Form5Choice
from ..domain.composite import Component
from ..domain.text import N_, _
from ..models import Campaign, GradeRecord, Talk
from .aggregation import MemberLine
from .audit import beijing_time
from .xlsx import Column, table

LABELS = {g.value: FORM5_LABELS[g] for g in Form5Choice}
RULE = N_(
    "各项得分四舍五入保留两位小数；综合得分 =（各项得分 × 权重之和）÷ 有得分的各项权重之和，"
    "四舍五入保留两位小数；缺少的项不计入，其余按权重重新折算。"
)


def _grade(code: str) -> str:
    """A grade's code as the reader's word for it ("" for none; an unknown code as is)."""
    return _(LABELS[code]) if code in LABELS else code


def _bytes(book: Workbook) -> bytes:
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def composites_workbook(
    campaign: Campaign, lines: Sequence[MemberLine], records: Sequence[GradeRecord]
) -> bytes:
    book = Workbook()
    ws = book.active
    assert ws is not None
    ws.title = _("评分汇总")
    columns: list[Column] = [
        (_("单位"), 22, ""),
        (_("姓名"), 10, ""),
        (_("职务"), 22, ""),
        (_("身份"), 8, ""),
    ]
    columns += [(c.label, 14, "0.00") for c in Component]
    columns += [
        (_("综合得分"), 10, "0.00"),
        (_("建议等次"), 10, ""),
        (_("需研究"), 8, ""),
        (_("标记"), 40, ""),
    ]
    table(
        ws,
        columns,
        (
            [
                x.assessed.unit_name,
                x.composite.name,
                x.assessed.post,
                x.composite.role.label,
                *(p.value if p.weight else _("不计") for p in x.composite.parts),
                x.composite.value,
                _grade(x.proposal.grade.value) if x.proposal.grade else "",
                _("是") if x.proposal.needs_study else "",
                _("；").join(dict.fromkeys((*x.flags, *x.proposal.reasons))),
            ]
            for x in lines
        ),
    )
    ws.append([])
    ws.append([_(RULE)])
    decided = book.create_sheet(_("考核定等"))
    table(
        decided,
        [
            (_("单位"), 22, ""),
            (_("姓名"), 10, ""),
            (_("职务"), 22, ""),
            (_("记录的综合得分"), 14, ""),
            (_("建议等次"), 10, ""),
            (_("审定等次"), 10, ""),
            (_("理由"), 30, ""),
            (_("审定时间"), 18, ""),
        ],  # fmt: skip
        (
            [
                r.unit_name,
                r.name,
                r.post,
                r.composite,
                _grade(r.proposed),
                _grade(r.decided),
                r.decision_reason,
                beijing_time(r.decided_at).strftime("%Y-%m-%d %H:%M") if r.decided_at else "",
            ]
            for r in records
        ),
    )
    return _bytes(book)


def feedback_workbook(campaign: Campaign, unit_name: str, records: Sequence[GradeRecord]) -> bytes:
    book = Workbook()
    ws = book.active
    assert ws is not None
    ws.title = _("结果反馈")
    table(
        ws,
        [(_("序号"), 6, ""), (_("姓名"), 12, ""), (_("职务"), 30, ""), (_("考核等次"), 12, "")],
        ([n, r.name, r.post, _grade(r.decided)] for n, r in enumerate(records, 1)),
    )
    ws.append([])
    ws.append(
        [
            _(
                "%(unit)s %(year)s年度区管领导班子成员考核等次（区委常委会审定）",
                unit=unit_name,
                year=campaign.year,
            )
        ]
    )
    return _bytes(book)


def talks_workbook(talks: Sequence[Talk]) -> bytes:
    book = Workbook()
    ws = book.active
    assert ws is not None
    ws.title = _("诫勉谈话")
    table(
        ws,
        [
            (_("年度"), 8, ""),
            (_("单位"), 22, ""),
            (_("姓名"), 10, ""),
            (_("职务"), 22, ""),
            (_("考核等次"), 10, ""),
            (_("谈话日期"), 12, ""),
            (_("谈话人"), 14, ""),
            (_("谈话情况"), 40, ""),
            (_("完成"), 8, ""),
        ],  # fmt: skip
        (
            [
                t.year,
                t.unit_name,
                t.name,
                t.post,
                _grade(t.grade),
                t.held_on.isoformat() if t.held_on else "",
                t.talked_by,
                t.notes,
                _("已完成") if t.is_done else "",
            ]
            for t in talks
        ),
    )
    return _bytes(book)
