"""The district leaders who score on annex 2 (区领导) and the units each oversees or liaises
with (分管或联系): the admin's list, typed one by one or pasted from a table."""

from __future__ import annotations

from dataclasses import dataclass

from ..database import writes
from ..domain.oversight import PasteResult, parse_leader_lines, squeezed
from ..domain.text import N_, _
from ..extensions import db
from ..models import Campaign, Leader, Unit, User
from .audit import record_event
from .campaign import writable
from .errors import InvalidInput, NotFound
from .score_sheets import leaders, scored_units

NO_SUCH_LEADER = N_("找不到这位区领导：可能已被删除。请回到「区领导及分管单位」页面重新选择。")


@dataclass(frozen=True)
class LeaderInput:
    name: str
    post: str
    is_top: bool
    unit_ids: tuple[int, ...]


def get_leader(leader_id: int) -> Leader:
    leader = db.session.get(Leader, leader_id)
    if leader is None:
        raise NotFound(_(NO_SUCH_LEADER))
    return leader


def _checked(campaign: Campaign, data: LeaderInput, keep: Leader | None = None) -> LeaderInput:
    name, post = data.name.strip(), data.post.strip()
    problems: dict[str, str] = {}
    if not name:
        problems["name"] = _("请填写区领导的姓名。")
    elif len(name) > 64:
        problems["name"] = _("姓名最多 %(most)s 个字。", most=64)
    elif any(squeezed(x.name) == squeezed(name) and x is not keep for x in leaders(campaign)):
        problems["name"] = _(
            "名单上已经有「%(name)s」了：请修改那一行，或在姓名后加以区分。", name=name
        )
    if len(post) > 120:
        problems["post"] = _("职务最多 %(most)s 个字。", most=120)
    known = {u.id for u in scored_units(campaign)}
    if not data.is_top and not set(data.unit_ids) & known:
        problems["unit_ids"] = _("请勾选分管或联系的单位，或勾选「四大家领导」。")
    if problems:
        raise InvalidInput(_("请检查标出的项目。"), problems)
    return LeaderInput(name, post, data.is_top, tuple(u for u in data.unit_ids if u in known))


def _units(campaign: Campaign, ids: tuple[int, ...]) -> list[Unit]:
    return [u for u in scored_units(campaign) if u.id in ids]


@writes
def create_leader(user: User, campaign_id: int, data: LeaderInput) -> Leader:
    campaign = writable(db.session.get_one(Campaign, campaign_id))
    clean = _checked(campaign, data)
    leader = Leader(
        campaign_id=campaign.id,
        name=clean.name,
        post=clean.post,
        is_top=clean.is_top,
        position=max((x.position for x in leaders(campaign)), default=0) + 1,
        units=_units(campaign, clean.unit_ids),
    )
    db.session.add(leader)
    db.session.flush()
    record_event(user, None, "leader.create", leader.name)
    return leader


@writes
def update_leader(user: User, leader_id: int, data: LeaderInput) -> Leader:
    leader = get_leader(leader_id)
    campaign = writable(leader.campaign)
    clean = _checked(campaign, data, keep=leader)
    leader.name, leader.post, leader.is_top = clean.name, clean.post, clean.is_top
    leader.units = _units(campaign, clean.unit_ids)
    record_event(user, None, "leader.update", leader.name)
    return leader


@writes
def delete_leader(user: User, leader_id: int) -> Campaign:
    """Remove a leader from the list; sheets already issued to them stay as they are."""
    leader = get_leader(leader_id)
    campaign = writable(leader.campaign)
    record_event(user, None, "leader.delete", leader.name)
    db.session.delete(leader)
    return campaign


def read_paste(campaign: Campaign, text: str) -> PasteResult:
    """The pasted lines, checked against the year's units (nothing is saved)."""
    return parse_leader_lines(text, [u.name for u in scored_units(campaign)])


@writes
def paste_leaders(user: User, campaign_id: int, text: str) -> int:
    """Add or update every leader of a pasted list that has no problem; a name already on the
    list is updated (post, 四大家, units). Refused whole when any line has a problem, so
    nothing is half imported."""
    campaign = writable(db.session.get_one(Campaign, campaign_id))
    result = read_paste(campaign, text)
    if result.problems or not result.leaders:
        problems = list(result.problems) or [
            _("没有读到区领导：每行填 姓名、职务、分管或联系单位。")
        ]
        raise InvalidInput(" ".join(problems), {"text": "\n".join(problems)})
    by_name = {u.name: u for u in scored_units(campaign)}
    existing = {squeezed(x.name): x for x in leaders(campaign)}
    position = max((x.position for x in existing.values()), default=0)
    for line in result.leaders:
        leader = existing.get(squeezed(line.name))
        if leader is None:
            position += 1
            leader = Leader(campaign_id=campaign.id, name=line.name, position=position)
            db.session.add(leader)
        leader.post, leader.is_top = line.post, line.is_top
        leader.units = [by_name[n] for n in line.unit_names]
    record_event(user, None, "leader.paste", f"{len(result.leaders)} 位")  # official: log
    return len(result.leaders)
