"""Migrations carry existing boxes forward: no ballot's counts change on upgrade, except
where the counting rules changed, and a certified result keeps the figures it was signed with."""

import json

from flask_migrate import downgrade, upgrade
from sqlalchemy import text

from ballot_app import create_app
from ballot_app.domain.roles import Role
from ballot_app.extensions import db
from ballot_app.models import Meeting
from ballot_app.services import accounts, results

from . import databases, factories
from .conftest import _config

FIRST = "e1500cf60245"

#: One open meeting with two ballots (tables A and B), as the first schema stored them.
SEED = [
    "INSERT INTO campaign (id, year, name, post_change_cutoff) VALUES (1, 2026, '2026年度', '2026-10-31')",
    "INSERT INTO unit (id, campaign_id, name, kind, party_org_name) "
    "VALUES (1, 1, '测试镇', 'township', '测试镇党委')",
    "INSERT INTO meeting (id, unit_id, title, held_on, state, is_form5_enabled, "
    "is_form6_enabled, secretary_name, live_step, pass_rate_base, paper_issued, created_at) "
    "VALUES (1, 1, '测评会', '2026-12-01', 'OPEN', TRUE, TRUE, '书记甲', 5, 'VALID', 0, "
    "'2026-11-24 10:00:00')",
    "INSERT INTO evaluee (id, meeting_id, name, post, position) VALUES (1, 1, '甲', '书记', 1)",
    "INSERT INTO ballot (id, meeting_id, category, source, has_form5, has_form6, "
    "is_form5_void, is_form6_void) VALUES "
    "('aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa', 1, 'A', 'PHONE', TRUE, TRUE, FALSE, FALSE), "
    "('bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb', 1, 'B', 'PHONE', TRUE, TRUE, FALSE, FALSE)",
    "INSERT INTO form5_mark (ballot_id, evaluee_id, mark) VALUES "
    "('aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa', 1, 'excellent'), "
    "('bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb', 1, 'competent')",
    "INSERT INTO form6_mark (ballot_id, item, mark) VALUES "
    "('aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa', 'duty', 'good'), "
    "('bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb', 'duty', 'poor')",
]


def test_tally_index_migration_keeps_every_count_of_an_existing_box(tmp_path):
    with databases.empty(tmp_path) as uri:
        app = create_app(_config(uri), instance_path=str(tmp_path))
        with app.app_context():
            upgrade(revision=FIRST)
            for statement in SEED:
                db.session.execute(text(statement))
            db.session.commit()
            upgrade()
            six = db.session.execute(
                text("SELECT ballot_id, meeting_id, category FROM form6_mark ORDER BY ballot_id")
            ).all()
            assert [(b[0], m, c) for b, m, c in six] == [("a", 1, "A"), ("b", 1, "B")]
            figures = results.meeting_results(db.session.get(Meeting, 1)).as_dict()
            a, b = figures["form5"]["A"], figures["form5"]["B"]
            assert a["evaluees"][0]["counts"]["excellent"] == 1
            assert b["evaluees"][0]["counts"]["competent"] == 1
            duty = figures["form6"]["items"]["duty"]
            assert (duty["good"], duty["poor"]) == (1, 1), duty
            db.session.commit()
            downgrade(revision=FIRST)
            upgrade()
            # Down and up again: the box is still there.
            kept = db.session.execute(text("SELECT count(*) FROM form5_mark")).scalar_one()
            assert kept == 2
            db.session.remove()
            db.engine.dispose()


BEFORE_ABSTAIN = "a3c5e9f10b21"
_A, _B, _C, _D, _E = (c * 32 for c in "acdef")

#: As the box stood before blank rows were abstentions: meeting 1 certified (no stored
#: figures yet), meeting 2 open, meeting 3 certified with figures the app stored then; each
#: has a filled ballot and a wholly blank one, stored void (the old rule) for both forms.
SEED_BEFORE_ABSTAIN = [
    "INSERT INTO campaign (id, year, name, post_change_cutoff) VALUES (1, 2026, '2026年度', '2026-10-31')",
    "INSERT INTO unit (id, campaign_id, name, kind, party_org_name) "
    "VALUES (1, 1, '测试镇', 'township', '测试镇党委')",
    *(
        "INSERT INTO meeting (id, unit_id, title, held_on, state, is_form5_enabled, "
        "is_form6_enabled, secretary_name, live_step, pass_rate_base, paper_issued, created_at, "
        f"counter_name, scrutineer_name) VALUES ({i}, 1, '测评会{i}', '2026-12-01', '{state}', "
        "TRUE, TRUE, '书记甲', 5, 'VALID', 0, '2026-11-24 10:00:00', '计票甲', '监票乙')"
        for i, state in ((1, "CERTIFIED"), (2, "OPEN"), (3, "CERTIFIED"))
    ),
    "INSERT INTO evaluee (id, meeting_id, name, post, position) VALUES "
    "(1, 1, '甲', '书记', 1), (2, 2, '乙', '书记', 1)",
    "INSERT INTO token (id, meeting_id, category, nonce, secret_hash, code_hash, batch, "
    "is_used, is_voided) VALUES "
    + ", ".join(
        f"({n}, {m}, 'B', 'n{n}', 's{n}', 'c{n}', 1, {used}, FALSE)"
        for n, m, used in ((1, 1, "TRUE"), (2, 1, "TRUE"), (3, 1, "FALSE"), (4, 2, "TRUE"))
    ),
    "INSERT INTO ballot (id, meeting_id, category, source, has_form5, has_form6, "
    "is_form5_void, is_form6_void) VALUES "
    f"('{_A}', 1, 'B', 'PHONE', TRUE, TRUE, FALSE, FALSE), "
    f"('{_C}', 1, 'B', 'PHONE', TRUE, TRUE, TRUE, TRUE), "
    f"('{_D}', 2, 'B', 'PHONE', TRUE, TRUE, FALSE, FALSE), "
    f"('{_E}', 2, 'B', 'PAPER', TRUE, TRUE, TRUE, TRUE)",
    "INSERT INTO form5_mark (ballot_id, evaluee_id, category, mark) VALUES "
    f"('{_A}', 1, 'B', 'excellent'), ('{_C}', 1, 'B', 'empty'), "
    f"('{_D}', 2, 'B', 'competent'), ('{_E}', 2, 'B', 'empty')",
    "INSERT INTO form6_mark (ballot_id, item, meeting_id, category, mark) VALUES "
    f"('{_A}', 'duty', 1, 'B', 'good'), ('{_A}', 'activity', 1, 'B', 'good'), "
    f"('{_C}', 'duty', 1, 'B', 'empty'), ('{_C}', 'activity', 1, 'B', 'empty'), "
    f"('{_D}', 'duty', 2, 'B', 'good'), ('{_D}', 'activity', 2, 'B', 'good'), "
    f"('{_E}', 'duty', 2, 'B', 'empty'), ('{_E}', 'activity', 2, 'B', 'empty')",
]
STORED_BY_THE_APP = {
    "meeting": {"id": 3, "title": "测评会3", "unit": "测试镇", "state": "certified"},
    "tokens": {
        "printed": 0,
        "voided": 0,
        "used": 0,
        "by_category": {"A": {"printed": 0, "used": 0}, "B": {"printed": 0, "used": 0}},
    },
    "form5": {k: {"ballots": 0, "void": 0, "evaluees": []} for k in ("A", "B", "combined")},
    "form6": {
        "ballots": 0,
        "void": 0,
        "items": {
            item: dict.fromkeys(("good", "fairly_good", "average", "poor", "abstain", "invalid"), 0)
            for item in ("duty", "activity")
        },
        "comments": 0,
    },
    "slip7": {
        **dict.fromkeys(("participants", "issued", "returned", "valid", "void"), 7),
        **dict.fromkeys(("good", "fairly_good", "average", "poor"), 0),
        "pass_rate": None,
        "pass_rate_base": "valid",
    },
}


def _flags(meeting_id):
    query = "SELECT is_form5_void, is_form6_void FROM ballot WHERE meeting_id = :m ORDER BY id"
    rows = db.session.execute(text(query), {"m": meeting_id}).all()
    return [(bool(a), bool(b)) for a, b in rows]


def _stored(meeting_id):
    query = "SELECT certified_result FROM meeting WHERE id = :m"
    found = db.session.execute(text(query), {"m": meeting_id}).scalar_one()
    return None if found is None else json.loads(found)


def test_blank_ballots_become_valid_except_in_meetings_certified_before(tmp_path):
    with databases.empty(tmp_path) as uri:
        app = create_app(_config(uri), instance_path=str(tmp_path))
        with app.app_context():
            upgrade(revision=BEFORE_ABSTAIN)
            for statement in SEED_BEFORE_ABSTAIN:
                db.session.execute(text(statement))
            db.session.execute(
                text("UPDATE meeting SET certified_result = :v WHERE id = 3"),
                {"v": json.dumps(STORED_BY_THE_APP)},
            )
            db.session.commit()
            upgrade()

            # Certified before the change: the figures it was certified with, by the old rule.
            assert _flags(1) == [(False, False), (True, True)]  # stored flags untouched
            old = results.meeting_results(db.session.get(Meeting, 1)).as_dict()
            slip7 = old["slip7"]
            assert (slip7["returned"], slip7["valid"], slip7["void"]) == (2, 1, 1)
            assert (slip7["good"], slip7["abstain"], slip7["pass_rate"]) == (1, 0, 100.0)
            assert (slip7["issued"], slip7["participants"], slip7["pass_rate_base"]) == (
                3,
                3,
                "valid",
            )
            assert (old["form5"]["B"]["void"], old["form6"]["void"]) == (1, 1)
            assert old["form5"]["B"]["evaluees"][0]["counts"]["abstain"] == 1
            assert old["tokens"]["by_category"]["B"] == {"printed": 3, "used": 2}
            assert old["meeting"] == {
                "id": 1,
                "title": "测评会1",
                "unit": "测试镇",
                "state": "certified",
            }
            admin = accounts.create_user("guanli", factories.PASSWORD, Role.ADMIN)
            client = app.test_client()
            factories.Actions(app, client).login_as(admin)
            printed = client.get("/print/1/slip7").get_data(as_text=True)
            assert (
                '其中有效票<span class="blank ">1</span>张，废票<span class="blank ">1</span>张'
                in printed
            )
            assert '弃权<span class="blank ">0</span>票' in printed

            # Still open: the blank ballot is valid, every row 弃权.
            assert _flags(2) == [(False, False), (False, False)]
            new = results.meeting_results(db.session.get(Meeting, 2)).as_dict()
            slip7 = new["slip7"]
            assert (slip7["returned"], slip7["valid"], slip7["void"], slip7["abstain"]) == (
                2,
                2,
                0,
                1,
            )
            assert slip7["pass_rate"] == 50.0
            assert (new["form5"]["B"]["void"], new["form6"]["void"]) == (0, 0)

            # Figures the app stored at certification stay, and gain slip 7's abstain line.
            kept = _stored(3)
            assert kept == {
                **STORED_BY_THE_APP,
                "slip7": {**STORED_BY_THE_APP["slip7"], "abstain": 0},
            }
            db.session.commit()

            downgrade(revision=BEFORE_ABSTAIN)
            assert _flags(2) == [(False, False), (True, True)]  # the old rule again
            assert _stored(1) is None  # filled by the upgrade: cleared
            assert _stored(3)["slip7"]["valid"] == 7  # stored by the app: kept
            db.session.commit()
            upgrade()
            again = results.meeting_results(db.session.get(Meeting, 1)).as_dict()
            assert again == old
            db.session.remove()
            db.engine.dispose()
