"""Migrations carry existing boxes forward: no ballot's counts change on upgrade."""

from flask_migrate import downgrade, upgrade
from sqlalchemy import text

from ballot_app import create_app
from ballot_app.extensions import db
from ballot_app.models import Meeting
from ballot_app.services import results

from . import databases
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
