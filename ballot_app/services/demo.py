"""A fictional district for trying the app: invented names only."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import date

from sqlalchemy import func, select

from ..domain.campaign import CampaignState
from ..domain.meeting_state import Transition
from ..domain.roles import Role
from ..domain.score_sheets import SheetKind
from ..extensions import db
from ..models import Group, Leader, ScoreSheet, Token, User
from ..signing import Keys
from .accounts import create_user
from .campaign import current_campaign
from .errors import InvalidInput
from .meetings import MeetingInput, create_meeting, transition
from .roster import MemberInput, add_member, create_unit
from .score_sheets import issue_sheets, link_value
from .slips import voter_url

#: 青禾镇 and everyone in it are invented.
DEMO_UNIT = "青禾镇"
DEMO_ROSTER = (
    MemberInput("林安澜", "党委书记", "全面负责党委工作", is_principal=True, is_secretary=True),
    MemberInput("周景行", "党委副书记、镇长", "主持政府全面工作", is_principal=True),
    MemberInput("沈书禾", "党委副书记", "党建、组织、宣传"),
    MemberInput("许明远", "人大主席", "人大工作"),
    MemberInput("陶语冰", "党委委员、纪委书记", "纪检监察"),
    MemberInput("顾远舟", "党委委员、副镇长", "农业农村、水利"),
    MemberInput("程若溪", "党委委员、组织委员", "组织、人才"),
    MemberInput("韩知秋", "副镇长", "城建、环保、安全生产"),
    MemberInput("叶青岚", "副镇长", "教育、卫生、民政"),
    MemberInput("苏望舒", "党委委员、武装部部长", "武装、信访"),
    MemberInput("孟川", "党委委员、宣传委员", "宣传、文化"),
)
#: 青禾镇's grassroots party organisations (form 6 only, annex 8): invented too.
DEMO_VILLAGES = ("青禾镇石桥村党支部", "青禾镇柳湾村党支部", "青禾镇河东社区党支部")
#: A district department in the second group, with a small invented roster.
DEMO_DEPARTMENT = "区农林水务局"
DEMO_DEPARTMENT_ROSTER = (
    MemberInput("罗见山", "党组书记、局长", "全面工作", is_principal=True, is_secretary=True),
    MemberInput("钟映雪", "党组成员、副局长", "农业、林业"),
    MemberInput("白云起", "副局长", "水务、防汛"),
)


@dataclass(frozen=True)
class DemoInfo:
    meeting_id: int
    admin_username: str
    admin_password: str
    organizer_username: str
    organizer_password: str
    teller_username: str
    teller_password: str
    voter_url: str
    rater_url: str  #: 周景行's annex 4 sheet (a principal scoring 青禾镇's deputies)


#: District leaders of annex 2, invented: who oversees which demo unit, and one 四大家 leader.
DEMO_LEADERS = (
    ("江临风", "区委副书记", False, DEMO_UNIT),
    ("吕望川", "副区长", False, DEMO_DEPARTMENT),
    ("方知远", "区长", True, ""),
)


def is_empty() -> bool:
    """True when the database holds no account yet (the demo fills only an empty one)."""
    return not db.session.scalar(select(func.count()).select_from(User))


def load_demo(keys: Keys, base_url: str, *, password: str | None = None) -> DemoInfo:
    """Fill an empty database: a running campaign with two groups, the accounts, 青禾镇 with
        its roster and three village party organisations, a department, one open meeting, and the
    district leaders of annex 2 with every score sheet issued."""
    if not is_empty():
        raise InvalidInput(
            "数据库里已经有数据，演示数据只能装入空数据库。"
            "请换一个空的 instance 目录或数据库后再运行 demo。"
        )
    campaign = current_campaign()
    group = Group(
        campaign_id=campaign.id,
        name="第一考核组",
        leader_name="（演示）组长",
        liaison_name="（演示）联络员",
    )
    second = Group(
        campaign_id=campaign.id,
        name="第二考核组",
        leader_name="（演示）二组组长",
        liaison_name="（演示）二组联络员",
        position=2,
    )
    group.position = 1
    campaign.meetings_from = date(campaign.year, 12, 1)
    campaign.meetings_to = date(campaign.year, 12, 31)
    campaign.roster_due = date(campaign.year, 12, 5)
    db.session.add_all([group, second])
    db.session.flush()
    admin_password = password or secrets.token_urlsafe(9)
    organizer_password = password or secrets.token_urlsafe(9)
    admin = create_user("admin", admin_password, Role.ADMIN, display_name="区委组织部（演示）")
    organizer = create_user(
        "kaohe1",
        organizer_password,
        Role.ORGANIZER,
        display_name="第一考核组",
        group_name=group.name,
    )
    unit = create_unit(organizer, DEMO_UNIT, "township", "中共青禾镇委员会")
    for line in DEMO_ROSTER:
        add_member(organizer, unit, line)
    for village in DEMO_VILLAGES:
        create_unit(organizer, village, "party_org", parent_id=unit.id)
    department = create_unit(admin, DEMO_DEPARTMENT, "department", group_id=second.id)
    for line in DEMO_DEPARTMENT_ROSTER:
        add_member(admin, department, line)
    meeting = create_meeting(
        organizer,
        unit,
        MeetingInput(
            title=f"{DEMO_UNIT}{campaign.year}年度领导班子和领导干部述职测评大会",
            held_on=date.today(),
            form5=True,
            form6=True,
            count_a=12,
            count_b=60,
        ),
        keys,
    )
    teller_password = password or secrets.token_urlsafe(9)
    teller = create_user("jipiao1", teller_password, Role.TELLER, display_name="（演示）计票人")
    meeting.tellers.append(teller)
    transition(organizer, meeting, Transition.OPEN)
    campaign.state = CampaignState.RUNNING
    campaign.sheets_due = date(campaign.year, 12, 20)
    by_name = {DEMO_UNIT: unit, DEMO_DEPARTMENT: department}
    for n, (name, post, top, overseen) in enumerate(DEMO_LEADERS, start=1):
        units = [by_name[overseen]] if overseen else []
        leader = Leader(campaign_id=campaign.id, name=name, post=post, is_top=top, position=n)
        leader.units = units
        db.session.add(leader)
    db.session.flush()
    issue_sheets(admin, campaign.id)
    rater_sheet = db.session.scalars(
        select(ScoreSheet).where(
            ScoreSheet.kind == SheetKind.ANNEX4, ScoreSheet.rater_name == "周景行"
        )
    ).one()
    token = db.session.scalars(
        select(Token).where(Token.meeting_id == meeting.id, Token.category == "B").limit(1)
    ).one()
    return DemoInfo(
        meeting.id,
        admin.username,
        admin_password,
        organizer.username,
        organizer_password,
        teller.username,
        teller_password,
        voter_url(base_url, keys, token),
        f"{base_url.rstrip('/')}/s/{link_value(keys, rater_sheet)}",
    )
