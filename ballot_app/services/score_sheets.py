"""Named score sheets (附件2、3、4): issuing them from the rosters and the leaders' oversight,
the personal links, filling one in, sealing it, and the admin's reopen and paper entry.

Scores are sealed: only the admin's pages read them (web/score_sheets.py); organizers get
returns only (services/score_returns.py). The personal link is the rater's credential: it is
signed with its own salt, names the sheet and its link version (raised to revoke it), works
while the year is not closed, and is never written to a log (logs.py redacts /s/…)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import delete, select, update
from sqlalchemy.orm import selectinload

from ..database import writes
from ..domain.score_sheets import (
    PRINCIPAL_ROLE,
    Person,
    ProposedSheet,
    Rater,
    SheetCheck,
    SheetKind,
    SheetState,
    check_sheet,
    from_tenths,
    propose_sheets,
    sheet_digest,
    to_tenths,
)
from ..domain.score_sheets import (
    ScoreRow as RowScore,
)
from ..domain.text import N_, _
from ..extensions import db
from ..models import Campaign, Leader, Member, ScoreRow, ScoreSheet, Unit, User
from ..models.types import utcnow
from ..signing import Keys
from .audit import record_event
from .campaign import inputs_writable, writable
from .errors import (
    InvalidInput,
    NotFound,
    SheetChanged,
    SheetLinkRefused,
    SheetSealed,
    StateBlocked,
)

LINK_PURPOSE = "score-sheet-link"
NO_SUCH_SHEET = N_("找不到这张评分表：它可能已被删除。请回到「评分表」页面重新选择。")
LINK_UNREADABLE = N_(
    "这个评分链接无法识别，可能没有复制完整。请重新扫描评分通知上的二维码，或与区委组织部联系。"
)
LINK_REVOKED = N_(
    "这个评分链接已经作废，区委组织部已另发新的链接。请使用新的评分通知，或与区委组织部联系。"
)
#: The raters' roles as the sheets keep them (stored in Chinese, part of the group raters'
#: names too); role_label() shows one in the reader's language.
TOP_LEADER = N_("四大家领导")
DISTRICT_LEADER = N_("区领导")
GROUP = N_("绩效考核领导小组")
ANY_RATER = N_("评分人")
KNOWN_ROLES = frozenset({TOP_LEADER, DISTRICT_LEADER, GROUP, ANY_RATER, PRINCIPAL_ROLE})
#: Kinds in the order the admin's list and the exports show them.
KIND_ORDER = (SheetKind.ANNEX2, SheetKind.ANNEX2_PRINCIPALS, SheetKind.ANNEX4, SheetKind.ANNEX3)
#: Units whose leadership teams are scored: party organisations hold form 6 only.
SCORED_KINDS = ("township", "department")


def get_sheet(sheet_id: int) -> ScoreSheet:
    sheet = db.session.get(ScoreSheet, sheet_id)
    if sheet is None:
        raise NotFound(_(NO_SUCH_SHEET))
    return sheet


def campaign_sheets(campaign: Campaign) -> list[ScoreSheet]:
    """Every sheet of the year, by kind, unit and rater."""
    sheets = db.session.scalars(select(ScoreSheet).where(ScoreSheet.campaign_id == campaign.id))
    return sorted(sheets, key=sheet_order)


def sheet_order(sheet: ScoreSheet) -> tuple[int, str, str, int]:
    unit = sheet.unit.name if sheet.unit else ""
    return KIND_ORDER.index(sheet.kind), unit, sheet.rater_key, sheet.id


# --- issuing -------------------------------------------------------------------------------


def scored_units(campaign: Campaign) -> list[Unit]:
    return list(
        db.session.scalars(
            select(Unit)
            .where(
                Unit.campaign_id == campaign.id,
                Unit.is_archived.is_(False),
                Unit.kind.in_(SCORED_KINDS),
            )
            .options(selectinload(Unit.members))  # one query for every roster, not one per unit
            .order_by(Unit.name)
        )
    )


def leaders(campaign: Campaign) -> list[Leader]:
    return list(
        db.session.scalars(
            select(Leader)
            .where(Leader.campaign_id == campaign.id)
            .order_by(Leader.position, Leader.id)
        )
    )


def leader_rater(leader: Leader) -> Rater:
    role = TOP_LEADER if leader.is_top else DISTRICT_LEADER
    name = f"{leader.name}（{leader.post}）" if leader.post else leader.name  # official: data
    return Rater(f"leader:{leader.id}", name, role)


def proposal(campaign: Campaign) -> list[ProposedSheet]:
    """The sheets the rosters and the leaders' oversight call for (domain.propose_sheets)."""
    units = scored_units(campaign)
    people = [
        Person(m.id, u.id, m.name, m.post, m.portfolio, m.is_principal, m.is_concurrent)
        for u in units
        for m in u.members
    ]
    oversight: dict[int, list[Rater]] = {}
    everyone = leaders(campaign)
    for leader in everyone:
        for unit in leader.units:
            oversight.setdefault(unit.id, []).append(leader_rater(leader))
    top = [leader_rater(x) for x in everyone if x.is_top]
    groups = {u.id: Rater(f"group:{u.id}", f"{u.name}{GROUP}", GROUP) for u in units}
    return propose_sheets(people, oversight, top, groups)


def _key(kind: SheetKind, unit_id: int | None, rater_key: str) -> tuple[str, int | None, str]:
    return kind.value, unit_id, rater_key


def missing_sheets(campaign: Campaign) -> list[ProposedSheet]:
    """What the proposal holds that has not been issued yet."""
    issued = {_key(s.kind, s.unit_id, s.rater_key) for s in campaign_sheets(campaign)}
    return [p for p in proposal(campaign) if _key(p.kind, p.unit_id, p.rater.key) not in issued]


def _rows(member_ids: Iterable[int]) -> list[ScoreRow]:
    ids = list(member_ids)
    members = {m.id: m for m in db.session.scalars(select(Member).where(Member.id.in_(ids)))}
    return [
        ScoreRow(
            member_id=m.id,
            unit_name=m.unit.name,
            name=m.name,
            post=m.post,
            portfolio=m.portfolio,
            position=i,
        )
        for i, m in enumerate(members[x] for x in ids if x in members)
    ]


@writes
def issue_sheets(user: User, campaign_id: int) -> int:
    """Issue every proposed sheet not issued yet; returns how many were issued."""
    campaign = inputs_writable(db.session.get_one(Campaign, campaign_id))
    # Two admins issuing at once: the second waits here, then finds nothing missing.
    db.session.refresh(campaign, with_for_update=True)
    made = 0
    for p in missing_sheets(campaign):
        sheet = ScoreSheet(
            campaign_id=campaign.id,
            kind=p.kind,
            unit_id=p.unit_id,
            rater_key=p.rater.key,
            rater_name=p.rater.name,
            rater_role=p.rater.role,
        )
        sheet.rows = _rows(p.member_ids)
        db.session.add(sheet)
        made += 1
    if made:
        record_event(user, None, "sheet.issue", f"{campaign.name}：{made} 张")  # official: log
    return made


@dataclass(frozen=True)
class ExtraSheet:
    """A sheet the admin adds by hand: a rater the lists do not name."""

    kind: SheetKind
    unit_id: int | None
    rater_name: str
    rater_role: str


@writes
def add_sheet(user: User, campaign_id: int, data: ExtraSheet) -> ScoreSheet:
    campaign = inputs_writable(db.session.get_one(Campaign, campaign_id))
    problems: dict[str, str] = {}
    name = data.rater_name.strip()
    if not name:
        problems["rater_name"] = _("请填写评分人的姓名，例如「张某某（区委常委）」。")
    elif len(name) > 120:
        problems["rater_name"] = _("评分人最多 %(most)s 个字。", most=120)
    unit = db.session.get(Unit, data.unit_id) if data.unit_id else None
    if data.kind != SheetKind.ANNEX2_PRINCIPALS and (
        unit is None or unit.campaign_id != campaign.id
    ):
        problems["unit_id"] = _("请选择被考核单位。")
    if problems:
        raise InvalidInput(_("请检查标出的项目。"), problems)
    units = scored_units(campaign) if unit is None else [unit]
    members = [m for u in units for m in u.members if not m.is_concurrent]
    if data.kind == SheetKind.ANNEX2_PRINCIPALS:
        members = [m for m in members if m.is_principal]
    elif data.kind in (SheetKind.ANNEX3, SheetKind.ANNEX4):
        members = [m for m in members if not m.is_principal]
    if not members:
        raise InvalidInput(_("这张表上没有要评分的人：请先在单位名单里加入班子成员。"))
    rater_key = f"extra:{utcnow().timestamp():.6f}"
    sheet = ScoreSheet(
        campaign_id=campaign.id,
        kind=data.kind,
        unit_id=unit.id if unit else None,
        rater_key=rater_key,
        rater_name=name,
        rater_role=data.rater_role.strip()[:32] or ANY_RATER,
    )
    sheet.rows = _rows(m.id for m in members)
    db.session.add(sheet)
    db.session.flush()
    record_event(user, None, "sheet.add", logged(sheet))
    return sheet


@writes
def delete_sheet(user: User, sheet_id: int) -> Campaign:
    """Withdraw a sheet nobody has returned; a returned one stays (reopen it instead)."""
    sheet = get_sheet(sheet_id)
    campaign = inputs_writable(sheet.campaign)
    detail = logged(sheet)
    # One conditional statement: a submit that lands first keeps its sheet.
    gone = db.session.execute(
        delete(ScoreSheet).where(ScoreSheet.id == sheet.id, ScoreSheet.returned_at.is_(None))
    )
    if gone.rowcount != 1:  # type: ignore[attr-defined]
        raise SheetSealed(
            _(
                "这张评分表已经交回过，分数要保留，不能撤销。需要更正时，请在这张表的页面「退回修改」。"
            )
        )
    db.session.expunge(sheet)
    record_event(user, None, "sheet.delete", detail)
    return campaign


def role_label(role: str) -> str:
    """A sheet's rater role in the reader's language; a role the admin typed, as typed."""
    return _(role) if role in KNOWN_ROLES else role


def describe(sheet: ScoreSheet) -> str:
    """A sheet as a page names it, in the reader's language: never a score."""
    unit = sheet.unit.name if sheet.unit else _("各单位党政正职")
    return _(
        "%(kind)s %(unit)s · %(rater)s（第 %(id)s 号）",
        kind=sheet.kind.short_title,
        unit=unit,
        rater=sheet.rater_name,
        id=sheet.id,
    )


def logged(sheet: ScoreSheet) -> str:
    """A sheet as the audit log names it: never a score. The log is the record, kept in
    Chinese whoever writes it (describe() is the same words for a page)."""
    unit = sheet.unit.name if sheet.unit else "各单位党政正职"  # official: the log's record
    return f"{sheet.kind.label[:3]} {unit} · {sheet.rater_name}（第 {sheet.id} 号）"  # official


# --- the personal link ---------------------------------------------------------------------


def link_value(keys: Keys, sheet: ScoreSheet) -> str:
    """The signed value of the sheet's personal link: its id, link version and nonce."""
    return keys.sign(LINK_PURPOSE, f"{sheet.id}.{sheet.link_version}.{sheet.link_nonce}")


def sheet_from_link(keys: Keys, value: str) -> ScoreSheet:
    """The sheet a personal link names, or a refusal in Chinese: forged, revoked, withdrawn,
    or its year closed."""
    payload = keys.unsign(LINK_PURPOSE, value) if len(value) <= 200 else None
    parts = (payload or "").split(".")
    if len(parts) != 3 or not all(p.isdigit() and len(p) < 10 for p in parts[:2]):
        raise SheetLinkRefused(_(LINK_UNREADABLE))
    sheet = db.session.get(ScoreSheet, int(parts[0]))
    if sheet is None or sheet.link_nonce != parts[2]:
        raise SheetLinkRefused(
            _("这张评分表已被区委组织部撤销，不需要再填写。如有疑问，请与区委组织部联系。")
        )
    if sheet.link_version != int(parts[1]):
        raise SheetLinkRefused(_(LINK_REVOKED))
    if sheet.campaign.is_closed:
        raise SheetLinkRefused(
            _("「%(name)s」已经结束，评分表不能再填写或查看。", name=sheet.campaign.name)
        )
    if sheet.campaign.grades_signed_at is not None and not sheet.is_sealed:
        raise SheetLinkRefused(
            _(
                "「%(name)s」的考核等次已经签发，评分表不能再填写。如有疑问，请与区委组织部联系。",
                name=sheet.campaign.name,
            )
        )
    return sheet


@writes
def revoke_link(user: User, sheet_id: int) -> ScoreSheet:
    """Make every earlier link of this sheet fail; a new one is printed."""
    sheet = get_sheet(sheet_id)
    writable(sheet.campaign)
    sheet.link_version += 1
    record_event(user, None, "sheet.revoke", logged(sheet))
    return sheet


# --- filling in and sealing ----------------------------------------------------------------


def typed_scores(sheet: ScoreSheet) -> dict[int, tuple[str, str]]:
    """What is stored now, as the form shows it: member id → (score text, remark)."""
    return {
        r.member_id: ("" if r.score_tenths is None else str(from_tenths(r.score_tenths)), r.remark)
        for r in sheet.rows
    }


def check(sheet: ScoreSheet, typed: dict[int, tuple[str, str]]) -> SheetCheck:
    return check_sheet(sheet.kind, [r.member_id for r in sheet.rows], typed)


def stored_digest(sheet: ScoreSheet, confirmed_by: str | None = None) -> str:
    """The digest of what the rows hold now (the seal once returned)."""
    rows = [
        RowScore(r.member_id, from_tenths(r.score_tenths), r.remark)
        for r in sheet.rows
        if r.score_tenths is not None
    ]
    who = sheet.confirmed_by if confirmed_by is None else confirmed_by
    return sheet_digest(sheet.id, sheet.kind, sheet.rater_name, rows, who)


def review_token(sheet: ScoreSheet) -> str:
    """What the review page posts back: the digest of what it showed, and the sheet's round
    (a review from before a reopen cannot seal the sheet after it)."""
    return f"{stored_digest(sheet)}.{sheet.round}"


def is_complete(sheet: ScoreSheet) -> bool:
    """Every row scored as the rules ask, and annex 3 confirmed."""
    valid = check(sheet, typed_scores(sheet)).is_valid
    return valid and confirmation_problem(sheet, sheet.confirmed_by) is None


def _claim(sheet: ScoreSheet, version: int | None) -> None:
    """Take the sheet for this change, in one conditional statement: refused when it was
    sealed (or its link revoked) by someone else in the meantime."""
    where = [ScoreSheet.id == sheet.id, ScoreSheet.state != SheetState.RETURNED]
    if version is not None:
        where.append(ScoreSheet.link_version == version)
    claimed = db.session.execute(
        update(ScoreSheet).where(*where).values(link_version=ScoreSheet.link_version)
    )
    if claimed.rowcount != 1:  # type: ignore[attr-defined]
        db.session.refresh(sheet)
        if sheet.link_version != version and version is not None:
            raise SheetLinkRefused(_(LINK_REVOKED))
        raise SheetSealed(_("这张评分表已经提交，不能再修改。如需更正，请与区委组织部联系。"))


def confirmation_problem(sheet: ScoreSheet, confirmed_by: str) -> str | None:
    """Annex 3 is signed by the unit's 党政正职: one of them must be named."""
    if sheet.kind != SheetKind.ANNEX3:
        return None
    if confirmed_by.strip() not in principals(sheet):
        return _("请选择确认这张表的党政正职（党政正职签名）。")
    return None


def principals(sheet: ScoreSheet) -> list[str]:
    unit = sheet.unit
    return [m.name for m in unit.members if m.is_principal] if unit else []


@writes
def save_draft(sheet_id: int, version: int | None, result: SheetCheck, confirmed_by: str) -> str:
    """Keep checked scores on an open sheet (the review step); returns the digest the
    submit must match, so what is sealed is what was reviewed."""
    sheet = get_sheet(sheet_id)
    inputs_writable(sheet.campaign)
    _claim(sheet, version)
    scores = {r.member_id: r for r in result.rows}
    for row in sheet.rows:
        given = scores.get(row.member_id)
        row.score_tenths = None if given is None else to_tenths(given.score)
        row.remark = "" if given is None else given.remark
    if sheet.kind == SheetKind.ANNEX3:
        sheet.confirmed_by = confirmed_by.strip()
    db.session.flush()
    return review_token(sheet)


@writes
def submit(sheet_id: int, version: int | None, reviewed: str, user: User | None = None) -> str:
    """Seal the sheet as reviewed: its digest is computed and kept, the sheet is returned.
    `user` is the admin typing a paper sheet; None for the rater's own link."""
    sheet = get_sheet(sheet_id)
    inputs_writable(sheet.campaign)
    _claim(sheet, version)
    if not is_complete(sheet):
        raise SheetChanged(
            _("这张评分表还没有填完整：请把标出的项目填好，点「下一步：核对」后再提交。")
        )
    digest = stored_digest(sheet)
    if review_token(sheet) != reviewed:
        raise SheetChanged(_("这张评分表刚才在别的页面改过了。请重新核对下面的分数后再提交。"))
    sheet.state, sheet.digest = SheetState.RETURNED, digest
    sheet.returned_at = utcnow()
    sheet.returned_via = "paper" if user is not None else "link"
    record_event(user, None, "sheet.return", logged(sheet))
    return digest


@writes
def reopen(user: User, sheet_id: int, reason: str) -> ScoreSheet:
    """Unseal a returned sheet for a correction: only the admin, only with a reason."""
    sheet = get_sheet(sheet_id)
    inputs_writable(sheet.campaign)
    reason = reason.strip()
    if not reason:
        raise InvalidInput(
            _("请写明退回修改的理由，它会记入操作记录。"), {"reason": _("请填写理由。")}
        )
    if len(reason) > 200:
        too_long = _("理由最多 %(most)s 个字。", most=200)
        raise InvalidInput(too_long, {"reason": too_long})
    opened = db.session.execute(
        update(ScoreSheet)
        .where(ScoreSheet.id == sheet.id, ScoreSheet.state == SheetState.RETURNED)
        .values(
            state=SheetState.REOPENED, digest="", reopen_reason=reason, round=ScoreSheet.round + 1
        )
    )
    if opened.rowcount != 1:  # type: ignore[attr-defined]
        raise StateBlocked(
            [_("这张评分表现在不是「已交回」，不需要退回；评分人可以直接修改后提交。")]
        )
    db.session.refresh(sheet)
    record_event(user, None, "sheet.reopen", f"{logged(sheet)}；理由：{reason}")  # official: log
    return sheet
