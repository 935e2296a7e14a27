"""The move from plain to keyed slip hashes: slips printed before the upgrade still open."""

import hashlib

from flask_migrate import downgrade, upgrade
from sqlalchemy import text

from ballot_app import create_app
from ballot_app.domain.choices import Category
from ballot_app.extensions import db
from ballot_app.services import voting
from ballot_app.signing import keys_for

from . import databases
from .conftest import SECRET, _config

BEFORE = "b7b17d324f50"  #: the last schema that stored the plain SHA-256 of a slip's secret
NONCE = "0123456789abcdef0123456789abcdef"

SEED = [
    "INSERT INTO campaign (id, year, name, post_change_cutoff) VALUES (1, 2026, '2026年度', '2026-09-30')",
    "INSERT INTO unit (id, campaign_id, name, kind, party_org_name) "
    "VALUES (1, 1, '测试镇', 'township', '测试镇党委')",
    "INSERT INTO meeting (id, unit_id, title, held_on, state, is_form5_enabled, "
    "is_form6_enabled, secretary_name, live_step, pass_rate_base, paper_issued, created_at) "
    "VALUES (1, 1, '测评会', '2026-12-01', 'OPEN', TRUE, TRUE, '书记甲', 5, 'VALID', 0, "
    "'2026-11-24 10:00:00')",
    "INSERT INTO evaluee (id, meeting_id, name, post, position) VALUES (1, 1, '甲', '书记', 1)",
]


def test_slips_printed_before_the_upgrade_open_after_it_and_the_plain_hash_is_gone(tmp_path):
    keys = keys_for(SECRET)
    secret = keys.slip_secret(1, NONCE)
    plain = hashlib.sha256(secret.encode()).hexdigest()
    with databases.empty(tmp_path) as uri:
        app = create_app(_config(uri), instance_path=str(tmp_path))
        with app.app_context():
            upgrade(revision=BEFORE)
            for statement in SEED:
                db.session.execute(text(statement))
            db.session.execute(
                text(
                    "INSERT INTO token (id, meeting_id, category, nonce, secret_hash, code_hash, "
                    "batch, is_used, is_voided) VALUES (1, 1, 'A', :n, :h, :c, 1, FALSE, FALSE)"
                ),
                {"n": NONCE, "h": plain, "c": keys.hash_code(keys.manual_code(1, NONCE))},
            )
            db.session.commit()
            upgrade()
            stored = db.session.execute(text("SELECT secret_hash FROM token")).scalar_one()
            assert stored != plain and stored == keys.hash_secret(secret)
            value = keys.voter_value(1, Category.A, secret)
            assert voting.open_slip(keys, value).token_id == 1  # the printed slip still opens
            db.session.commit()
            downgrade(revision=BEFORE)
            back = db.session.execute(text("SELECT secret_hash FROM token")).scalar_one()
            assert back == plain
            db.session.remove()
            db.engine.dispose()
