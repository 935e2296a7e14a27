"""blank rows are abstentions: a form is void only when every row is over-marked

Revision ID: c7d2e4f6a813
Revises: a3c5e9f10b21
Create Date: 2026-12-02 09:00:00.000000

The counting rules changed: an empty row is an abstention (弃权) and the ballot stays valid;
a form is void (废票) only when it holds at least one row and every row is over-marked.

Upgrade
- Meetings not certified: each ballot's stored void flags (is_form5_void, is_form6_void) are
  recomputed by the new rule, in SQL. Their results follow the new rule from now on.
- Certified meetings keep the figures they were certified with. A meeting certified before
  the app stored its figures (certified_result is NULL) gets them now, computed here by the
  OLD rule from its rows and stored void flags (slip 7: valid = ballots whose duty row holds
  a choice, void = returned - valid, abstain 0), in the tally schema, marked with
  FILLED_BY so that the downgrade can tell them apart. Figures stored at certification get
  slip 7's "abstain" (0: a blank duty row was void then) where they lack it.
- Held live views (LiveView.body, the tally schema) get slip 7's "abstain" (0, the old rule)
  where they lack it; their figures stay until the next step replaces them, so an upgrade
  during an open meeting shows nothing between two steps.

Downgrade
- Meetings not certified: the void flags are recomputed by the old rule (every row empty or
  over-marked).
- certified_result is cleared only where this upgrade filled it (FILLED_BY); figures the app
  stored at certification are kept, "abstain" included (the older code does not read them).

Self-contained: plain SQL and Python, no import of the app's services or models.
"""
import json
from decimal import ROUND_HALF_UP, Decimal

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'c7d2e4f6a813'
down_revision = 'a3c5e9f10b21'
branch_labels = None
depends_on = None

#: Top-level key of a certified_result this upgrade computed (the app ignores it).
FILLED_BY = "filled_by_migration"

FORM5_CODES = ("excellent", "competent", "basically_competent", "incompetent")
FORM6_CODES = ("good", "fairly_good", "average", "poor")
ITEMS = ("duty", "activity")
TALLY_KEY = {"empty": "abstain", "over_marked": "invalid"}
#: Enum columns hold the member's NAME (SQLAlchemy's default for these columns).
BASES = {"VALID": "valid", "RETURNED": "returned", "PARTICIPANTS": "participants"}

NOT_CERTIFIED = "meeting_id IN (SELECT id FROM meeting WHERE state <> 'CERTIFIED')"


def _rows_of(table):
    return f"SELECT 1 FROM {table} AS m WHERE m.ballot_id = ballot.id"


def _new_void(form):
    rows = _rows_of(f"form{form}_mark")
    return (
        f"(has_form{form} AND EXISTS ({rows}) "
        f"AND NOT EXISTS ({rows} AND m.mark <> 'over_marked'))"
    )


def _old_void(form):
    rows = _rows_of(f"form{form}_mark")
    return f"(has_form{form} AND NOT EXISTS ({rows} AND m.mark NOT IN ('empty', 'over_marked')))"


def _set_flags(rule):
    op.get_bind().execute(
        sa.text(
            f"UPDATE ballot SET is_form5_void = {rule(5)}, is_form6_void = {rule(6)} "
            f"WHERE {NOT_CERTIFIED}"
        )
    )


def _percent(part, whole):
    if whole <= 0:
        return None
    value = (Decimal(part) * 100 / Decimal(whole)).quantize(Decimal("0.01"), ROUND_HALF_UP)
    return float(value)


def _counts(codes, found):
    counts = dict.fromkeys((*codes, "abstain", "invalid"), 0)
    for mark, n in found.items():
        key = TALLY_KEY.get(mark, mark)
        if key in counts:
            counts[key] += n
    return counts


def _tokens(conn, meeting_id):
    rows = conn.execute(
        sa.text(
            "SELECT category, count(*), "
            "sum(CASE WHEN is_voided THEN 1 ELSE 0 END), sum(CASE WHEN is_used THEN 1 ELSE 0 END) "
            "FROM token WHERE meeting_id = :m GROUP BY category"
        ),
        {"m": meeting_id},
    ).all()
    by = {c: {"printed": 0, "voided": 0, "used": 0} for c in ("A", "B")}
    for category, printed, voided, used in rows:
        by[category] = {"printed": int(printed), "voided": int(voided or 0), "used": int(used or 0)}
    return {
        "printed": sum(v["printed"] for v in by.values()),
        "voided": sum(v["voided"] for v in by.values()),
        "used": sum(v["used"] for v in by.values()),
        "by_category": {c: {"printed": v["printed"], "used": v["used"]} for c, v in by.items()},
    }


def _ballots(conn, meeting_id):
    """Per table: (ballots, form 5 parts, form 5 void, form 6 parts, form 6 void)."""
    flag = "sum(CASE WHEN {} THEN 1 ELSE 0 END)"
    rows = conn.execute(
        sa.text(
            "SELECT category, count(*), "
            + ", ".join(
                flag.format(c) for c in ("has_form5", "is_form5_void", "has_form6", "is_form6_void")
            )
            + " FROM ballot WHERE meeting_id = :m GROUP BY category"
        ),
        {"m": meeting_id},
    ).all()
    found = {c: (0, 0, 0, 0, 0) for c in ("A", "B")}
    for category, *numbers in rows:
        found[category] = tuple(int(n or 0) for n in numbers)
    return found


def _form5(conn, meeting_id, ballots):
    evaluees = conn.execute(
        sa.text(
            "SELECT id, name, post FROM evaluee WHERE meeting_id = :m ORDER BY position, id"
        ),
        {"m": meeting_id},
    ).all()
    marks = {}
    for evaluee_id, category, mark, n in conn.execute(
        sa.text(
            "SELECT evaluee_id, category, mark, count(*) FROM form5_mark WHERE evaluee_id IN "
            "(SELECT id FROM evaluee WHERE meeting_id = :m) GROUP BY evaluee_id, category, mark"
        ),
        {"m": meeting_id},
    ):
        marks[(evaluee_id, category, mark)] = int(n)

    def part(cats):
        rows = []
        for evaluee_id, name, post in evaluees:
            found = {}
            for (e, c, mark), n in marks.items():
                if e == evaluee_id and c in cats:
                    found[mark] = found.get(mark, 0) + n
            rows.append({"name": name, "post": post, "counts": _counts(FORM5_CODES, found)})
        return {
            "ballots": sum(ballots[c][1] for c in cats),
            "void": sum(ballots[c][2] for c in cats),
            "evaluees": rows,
        }

    return {"A": part(("A",)), "B": part(("B",)), "combined": part(("A", "B"))}


def _form6(conn, meeting_id, ballots):
    found = {item: {} for item in ITEMS}
    for item, mark, n in conn.execute(
        sa.text(
            "SELECT item, mark, count(*) FROM form6_mark WHERE meeting_id = :m GROUP BY item, mark"
        ),
        {"m": meeting_id},
    ):
        if item in found:
            found[item][mark] = int(n)
    comments = conn.execute(
        sa.text("SELECT count(*) FROM comment WHERE meeting_id = :m"), {"m": meeting_id}
    ).scalar_one()
    return {
        "ballots": sum(b[3] for b in ballots.values()),
        "void": sum(b[4] for b in ballots.values()),
        "items": {item: _counts(FORM6_CODES, found[item]) for item in ITEMS},
        "comments": int(comments),
    }


def _old_slip7(meeting, tokens, returned, duty):
    """Slip 7 as the app computed it before blank rows were abstentions."""
    issued = tokens["printed"] - tokens["voided"] + meeting.paper_issued
    participants = issued if meeting.participants is None else meeting.participants
    valid = sum(duty[c] for c in FORM6_CODES)
    base = BASES.get(meeting.pass_rate_base, "valid")
    whole = {"valid": valid, "returned": returned, "participants": participants}[base]
    return {
        "participants": participants,
        "issued": issued,
        "returned": returned,
        "valid": valid,
        "void": returned - valid,
        **{c: duty[c] for c in FORM6_CODES},
        "abstain": 0,
        "pass_rate": _percent(duty["good"] + duty["fairly_good"], whole),
        "pass_rate_base": base,
    }


def _old_figures(conn, meeting):
    """The tally schema for a certified meeting, by the rule it was certified under."""
    tokens = _tokens(conn, meeting.id)
    ballots = _ballots(conn, meeting.id)
    returned = sum(b[0] for b in ballots.values())
    form6 = _form6(conn, meeting.id, ballots)
    return {
        "meeting": {
            "id": meeting.id,
            "title": meeting.title,
            "unit": meeting.unit,
            "state": "certified",
        },
        "tokens": tokens,
        "form5": _form5(conn, meeting.id, ballots),
        "form6": form6,
        "slip7": _old_slip7(meeting, tokens, returned, form6["items"]["duty"]),
        FILLED_BY: revision,
    }


def _store(conn, table, key, key_value, column, data):
    conn.execute(
        sa.text(f"UPDATE {table} SET {column} = :v WHERE {key} = :k"),
        {"v": json.dumps(data, ensure_ascii=False, sort_keys=True), "k": key_value},
    )


def _with_abstain(body):
    """The stored tally schema with slip 7's "abstain" (0) added; None when it has one."""
    try:
        data = json.loads(body)
    except ValueError:
        return None
    slip7 = data.get("slip7") if isinstance(data, dict) else None
    if not isinstance(slip7, dict) or "abstain" in slip7:
        return None
    slip7["abstain"] = 0
    return data


def upgrade():
    conn = op.get_bind()
    _set_flags(_new_void)
    certified = conn.execute(
        sa.text(
            "SELECT meeting.id, meeting.title, unit.name AS unit, meeting.participants, "
            "meeting.paper_issued, meeting.pass_rate_base, meeting.certified_result "
            "FROM meeting JOIN unit ON unit.id = meeting.unit_id "
            "WHERE meeting.state = 'CERTIFIED' ORDER BY meeting.id"
        )
    ).all()
    for meeting in certified:
        if meeting.certified_result is None:
            data = _old_figures(conn, meeting)
        else:
            data = _with_abstain(meeting.certified_result)
        if data is not None:
            _store(conn, "meeting", "id", meeting.id, "certified_result", data)
    for meeting_id, body in conn.execute(sa.text("SELECT meeting_id, body FROM live_view")).all():
        data = _with_abstain(body)
        if data is not None:
            _store(conn, "live_view", "meeting_id", meeting_id, "body", data)


def downgrade():
    conn = op.get_bind()
    _set_flags(_old_void)
    rows = conn.execute(
        sa.text("SELECT id, certified_result FROM meeting WHERE certified_result IS NOT NULL")
    ).all()
    for meeting_id, stored in rows:
        try:
            filled = json.loads(stored).get(FILLED_BY) == revision
        except (ValueError, AttributeError):
            filled = False
        if filled:
            conn.execute(
                sa.text("UPDATE meeting SET certified_result = NULL WHERE id = :k"),
                {"k": meeting_id},
            )
