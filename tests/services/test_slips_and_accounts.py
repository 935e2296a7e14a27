"""Slips: secrets stored only as hashes, codes, voiding; accounts."""

import pytest
from sqlalchemy import text

from ballot_app.domain.meeting_state import MeetingState
from ballot_app.domain.roles import Role
from ballot_app.extensions import db
from ballot_app.services import accounts, slips
from ballot_app.services.errors import InvalidInput, StateBlocked

from .. import factories


def test_slip_secrets_and_codes_never_reach_the_database(app, tmp_path):
    m = factories.meeting(app, a=3, b=3)
    rows = slips.slip_rows(m, factories.keys(app), "https://x.example")
    dump = factories.dump_database()
    for row in rows:
        secret = row.url.rsplit("/", 1)[1].split(".")[2]
        assert len(secret) >= 26  # 128 bits in base32
        assert secret not in dump
        assert row.code.replace("-", "") not in dump


def test_slips_can_be_added_to_an_open_meeting_in_a_new_batch(app):
    m = factories.meeting(app, a=1, b=1)
    batch = slips.issue_slips(None, m, factories.keys(app), 0, 5)
    assert batch == 2
    assert slips.batches(m) == [(1, 1, 1), (2, 0, 5)]
    closed = factories.meeting(app, state=MeetingState.CLOSED, unit_name="关镇")
    with pytest.raises(StateBlocked):
        slips.issue_slips(None, closed, factories.keys(app), 1, 0)


def test_a_slip_is_voided_by_its_code_as_people_type_it(app):
    m = factories.meeting(app)
    code = factories.manual_codes(app, m)[0]
    slips.void_slip(None, m, factories.keys(app), " " + code.lower().replace("-", " ") + " ")
    assert sum(t.is_voided for t in factories.tokens(m)) == 1
    with pytest.raises(InvalidInput, match="已经作废"):
        slips.void_slip(None, m, factories.keys(app), code)


def test_a_used_slip_cannot_be_voided(app):
    m = factories.meeting(app)
    value = factories.slip_values(app, m)[0]
    factories.cast(app, m, value)
    used = next(r for r in slips.slip_rows(m, factories.keys(app), "") if r.state == "used")
    with pytest.raises(InvalidInput, match="投过票"):
        slips.void_slip(None, m, factories.keys(app), used.code)


def test_passwords_are_hashed_with_scrypt_and_short_ones_refused(app):
    user = accounts.create_user("zhang", "long enough pw", Role.ORGANIZER)
    assert user.password_hash.startswith("scrypt:")
    assert accounts.authenticate("zhang", "long enough pw") == user
    assert accounts.authenticate("zhang", "wrong") is None
    with pytest.raises(InvalidInput):
        accounts.create_user("li", "short", Role.TELLER)
    row = db.session.execute(text('SELECT password_hash FROM "user"')).scalar()
    assert "long enough pw" not in row
