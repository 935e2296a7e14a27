"""A submit whose answer was lost on the way can be sent again: the slip is cast once, and the
repeat shows that slip's own receipt, said to be a repeat; a used slip opened afresh is still
refused as 码已使用."""

from ballot_app.extensions import db
from ballot_app.models import Ballot, Receipt
from ballot_app.signing import keys_for

from .. import factories


def test_a_repeated_submit_shows_the_same_receipt_and_casts_nothing_more(app):
    m = factories.meeting(app)
    value = factories.slip_values(app, m)[0]
    data = {"slip": value, **factories.form_for(m), "confirm_empty": "0"}
    first = app.test_client().post("/v/submit", data=data)
    # Another connection, without the first answer's cookie: the phone never got it.
    again = app.test_client().post("/v/submit", data=data)
    assert first.status_code == again.status_code == 200
    assert again.headers["Content-Location"] == first.headers["Content-Location"] + "?again=1"
    keys = factories.keys(app)
    code = keys.tracker_code(keys.read_voter_value(value).secret)
    assert "投票成功" in first.get_data(as_text=True) and code in first.get_data(as_text=True)
    for page in (
        again.get_data(as_text=True),
        app.test_client().get(again.headers["Content-Location"]).get_data(as_text=True),
    ):
        assert "这张测评码已经投过票" in page and code in page
    assert db.session.query(Ballot).count() == 1
    fresh = app.test_client().get(f"/v/{value}")
    assert fresh.status_code == 409 and "码已使用" in fresh.get_data(as_text=True)


def test_tracker_codes_differ_per_slip_need_the_secret_key_and_are_not_stored(app):
    m = factories.meeting(app)
    values = factories.slip_values(app, m)[:2]
    codes = {factories.cast(app, m, value) for value in values}
    assert len(codes) == 2
    # Nothing of a receipt is written when a ballot is cast.
    assert db.session.query(Receipt).count() == 0
    ours = factories.keys(app)
    secrets = [ours.read_voter_value(v).secret for v in values]
    assert {ours.tracker_code(s) for s in secrets} == codes
    # Without SECRET_KEY the printed slip does not give its receipt's code.
    other = keys_for("another-secret-key-of-the-same-length-0123456789")
    assert not {other.tracker_code(s) for s in secrets} & codes
