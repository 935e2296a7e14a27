"""Opening a slip and casting a ballot: each refusal, confirmation, whole packets."""

import pytest
from sqlalchemy import select

from ballot_app.domain.choices import Category
from ballot_app.domain.meeting_state import MeetingState, Transition
from ballot_app.extensions import db
from ballot_app.models import Ballot, Comment, Form5Mark, Form6Mark, Receipt, Token
from ballot_app.services import meetings, slips, voting
from ballot_app.services.errors import (
    MeetingNotOpen,
    NeedsConfirmation,
    SlipInvalid,
    SlipUsed,
    SlipWrongMeeting,
)

from .. import factories


def test_a_cast_stores_the_whole_packet_and_uses_the_token(app):
    m = factories.meeting(app, members=3)
    value = factories.slip_values(app, m, "A")[0]
    code = factories.cast(
        app, m, value, form5="competent", duty="good", activity="average", comment="多听群众意见"
    )
    ballot = db.session.scalars(select(Ballot)).one()
    assert ballot.category == "A" and ballot.has_form5 and ballot.has_form6
    assert sorted(mk.mark for mk in ballot.form5_marks) == ["competent"] * 3
    assert {mk.item: mk.mark for mk in ballot.form6_marks} == {
        "duty": "good",
        "activity": "average",
    }
    assert db.session.scalars(select(Comment.body)).one() == "多听群众意见"
    keys = factories.keys(app)
    assert code == keys.tracker_code(keys.read_voter_value(value).secret)
    assert db.session.scalars(select(Receipt.code)).all() == []  # derived at certification
    assert sum(t.is_used for t in factories.tokens(m)) == 1


def test_a_used_slip_is_refused(app):
    m = factories.meeting(app)
    value = factories.slip_values(app, m)[0]
    factories.cast(app, m, value)
    with pytest.raises(SlipUsed):
        voting.open_slip(factories.keys(app), value)


def test_a_second_cast_of_an_opened_slip_stores_nothing(app):
    m = factories.meeting(app)
    value = factories.slip_values(app, m)[0]
    keys = factories.keys(app)
    first, second = voting.open_slip(keys, value), voting.open_slip(keys, value)
    data = factories.form_for(m)
    packet = voting.read_ballot(first, lambda k: [data[k]] if k in data else [])
    voting.cast_ballot(first, packet, confirmed_empty=None)
    with pytest.raises(SlipUsed):
        voting.cast_ballot(second, packet, confirmed_empty=None)
    assert db.session.query(Ballot).count() == 1


def test_forged_or_damaged_values_are_refused_before_any_lookup(app):
    m = factories.meeting(app)
    value = factories.slip_values(app, m)[0]
    keys = factories.keys(app)
    for bad in (value[:-2] + "xx", value + "x", "1.A.abc.def", "garbage"):
        with pytest.raises(SlipInvalid):
            voting.open_slip(keys, bad)


def test_a_slip_signed_for_the_other_table_is_refused(app):
    m = factories.meeting(app)
    token = factories.tokens(m)[0]
    keys = factories.keys(app)
    other = Category.B if token.category == "A" else Category.A
    secret = keys.slip_secret(m.id, token.nonce)
    with pytest.raises(SlipInvalid):
        voting.open_slip(keys, keys.voter_value(m.id, other, secret))


def test_a_voided_slip_is_refused(app):
    m = factories.meeting(app)
    code = factories.manual_codes(app, m)[0]
    slips.void_slip(None, m, factories.keys(app), code)
    value = voting.value_for_code(factories.keys(app), code)
    with pytest.raises(SlipInvalid, match="作废"):
        voting.open_slip(factories.keys(app), value)


def test_ballots_are_accepted_only_while_the_meeting_is_open(app):
    draft = factories.meeting(app, state=MeetingState.DRAFT)
    with pytest.raises(MeetingNotOpen) as e:
        voting.open_slip(factories.keys(app), factories.slip_values(app, draft)[0])
    assert e.value.title == "本次测评尚未开始" and e.value.status == 403
    closed = factories.meeting(app, state=MeetingState.CLOSED, unit_name="另一镇")
    with pytest.raises(MeetingNotOpen) as e:
        voting.open_slip(factories.keys(app), factories.slip_values(app, closed)[0])
    assert e.value.title == "本次测评已结束"


def test_closing_between_opening_and_casting_refuses_the_cast(app):
    m = factories.meeting(app)
    value = factories.slip_values(app, m)[0]
    slip = voting.open_slip(factories.keys(app), value)
    meetings.transition(_owner(m), m, Transition.CLOSE)
    data = factories.form_for(m)
    packet = voting.read_ballot(slip, lambda k: [data[k]] if k in data else [])
    with pytest.raises(MeetingNotOpen):
        voting.cast_ballot(slip, packet, confirmed_empty=None)
    assert db.session.query(Ballot).count() == 0
    assert not any(t.is_used for t in factories.tokens(m))


def test_a_slip_of_another_meeting_is_refused_where_a_meeting_is_named(app):
    m = factories.meeting(app)
    value = factories.slip_values(app, m)[0]
    with pytest.raises(SlipWrongMeeting):
        voting.open_slip(factories.keys(app), value, meeting_id=m.id + 1)


def test_empty_rows_need_the_voter_to_confirm_their_number(app):
    m = factories.meeting(app, members=3)
    slip = voting.open_slip(factories.keys(app), factories.slip_values(app, m)[0])
    data = factories.form_for(m, form5=None)  # three form 5 rows left empty
    packet = voting.read_ballot(slip, lambda k: [data[k]] if k in data else [])
    with pytest.raises(NeedsConfirmation) as e:
        voting.cast_ballot(slip, packet, confirmed_empty=None)
    assert e.value.message == "3 项未填，确定提交吗？"
    with pytest.raises(NeedsConfirmation):
        voting.cast_ballot(slip, packet, confirmed_empty=2)
    voting.cast_ballot(slip, packet, confirmed_empty=3)
    ballot = db.session.scalars(select(Ballot)).one()
    # Blank rows are 弃权: the ballot stays valid (SPEC, "Ballot rules" 3 and 4).
    assert not ballot.is_form5_void and not ballot.is_form6_void


def test_manual_code_leads_to_the_same_slip(app):
    m = factories.meeting(app)
    keys = factories.keys(app)
    token = factories.tokens(m)[0]
    code = keys.manual_code(m.id, token.nonce)
    value = voting.value_for_code(keys, code.lower())
    assert voting.open_slip(keys, value).token_id == token.id
    with pytest.raises(SlipInvalid):
        voting.value_for_code(keys, "0000-0000-000")


def test_marks_carry_no_token_and_ballot_rows_no_time(app):
    m = factories.meeting(app)
    factories.cast(app, m, factories.slip_values(app, m)[0])
    for model in (Ballot, Form5Mark, Form6Mark, Comment, Receipt):
        names = set(model.__table__.columns.keys())
        assert not {n for n in names if "token" in n or n.endswith("_at")}
    assert db.session.scalar(select(Token.is_used).where(Token.is_used.is_(True)))


def _owner(m):
    from ballot_app.models import User

    return db.session.get(User, m.created_by_id)
