"""The tally equals an independent count of what was cast."""

import json
import random
from collections import Counter
from decimal import Decimal

from sqlalchemy import select, update

from ballot_app.domain.choices import FORM5_CODES, FORM6_CODES, Category
from ballot_app.domain.marks import count_empty, read_packet
from ballot_app.domain.meeting_state import Transition
from ballot_app.extensions import db
from ballot_app.models import Ballot, Form5Mark, Form6Mark, Meeting, User
from ballot_app.services import live, meetings, paper, results, slips, voting

from .. import factories

SPECIALS = {"empty": "abstain"}


def _cast_random(app, m, value, rng):
    slip = voting.open_slip(factories.keys(app), value)
    data = {}
    for row in slip.spec.rows:
        pick = rng.choice((*row.codes, "", ""))
        if pick:
            data[row.field] = pick
    if rng.random() < 0.3:
        data["comment"] = "意见" + str(rng.randint(0, 99))
    packet = voting.read_ballot(slip, lambda k: [data[k]] if k in data else [])
    voting.cast_ballot(slip, packet, confirmed_empty=count_empty(slip.spec, packet))
    return slip, packet


def test_tally_json_equals_an_independent_count(app, runner):
    rng = random.Random(20261124)
    m = factories.meeting(app, a=6, b=14, members=4)
    slips.void_slip(None, m, factories.keys(app), factories.manual_codes(app, m)[0])
    expected5 = {"A": Counter(), "B": Counter()}
    expected6 = Counter()
    ballots5 = Counter()
    void5 = Counter()
    void6 = 0
    comments = 0
    values = factories.slip_values(app, m)
    for value in values[:-3]:  # three slips stay unused
        slip, packet = _cast_random(app, m, value, rng)
        cat = slip.category.value
        ballots5[cat] += 1
        marks5 = [packet.marks[r.field] for r in slip.spec.form5]
        marks6 = [packet.marks[r.field] for r in slip.spec.form6]
        # void only when every row is over-marked, which a phone cannot do; empty is 弃权
        void5[cat] += bool(marks5) and all(mk == "over_marked" for mk in marks5)
        void6 += bool(marks6) and all(mk == "over_marked" for mk in marks6)
        comments += bool(packet.comment)
        for r, mk in zip(slip.spec.form5, marks5, strict=True):
            expected5[cat][(r.title, SPECIALS.get(mk, mk))] += 1
        for r, mk in zip(slip.spec.form6, marks6, strict=True):
            expected6[(r.key, SPECIALS.get(mk, mk))] += 1

    result = runner.invoke(args=["tally", str(m.id), "--format", "json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)

    cast = len(values) - 3
    assert data["tokens"] == {
        "printed": 20,
        "voided": 1,
        "used": cast,
        "by_category": {
            "A": {"printed": 6, "used": ballots5["A"]},
            "B": {"printed": 14, "used": ballots5["B"]},
        },
    }
    for cat in ("A", "B"):
        part = data["form5"][cat]
        assert (part["ballots"], part["void"]) == (ballots5[cat], void5[cat])
        for ev in part["evaluees"]:
            for code in (*FORM5_CODES, "abstain"):
                assert ev["counts"][code] == expected5[cat][(ev["name"], code)]
            assert ev["counts"]["invalid"] == 0
    combined = data["form5"]["combined"]["evaluees"][0]["counts"]
    name = data["form5"]["combined"]["evaluees"][0]["name"]
    assert combined["excellent"] == sum(expected5[c][(name, "excellent")] for c in "AB")
    for item in ("duty", "activity"):
        for code in (*FORM6_CODES, "abstain"):
            assert data["form6"]["items"][item][code] == expected6[(item, code)]
    assert (data["form6"]["ballots"], data["form6"]["void"]) == (cast, void6)
    assert data["form6"]["comments"] == comments

    slip7 = data["slip7"]
    abstain = expected6[("duty", "abstain")]
    valid = sum(expected6[("duty", c)] for c in FORM6_CODES) + abstain
    assert abstain > 0 and valid == cast  # a phone cannot over-mark: every ballot is valid
    assert slip7["issued"] == 19 and slip7["participants"] == 19
    assert slip7["returned"] == cast and slip7["valid"] == valid
    assert slip7["void"] == 0 and slip7["abstain"] == abstain
    good = expected6[("duty", "good")] + expected6[("duty", "fairly_good")]
    assert slip7["pass_rate"] == round(100 * good / valid, 2)
    assert slip7["pass_rate_base"] == "valid"
    assert data["meeting"] == {"id": m.id, "title": "测试会议", "unit": "测试镇", "state": "open"}
    assert results.meeting_results(m).as_dict() == data


def test_comments_are_listed_apart_from_ballots(app):
    m = factories.meeting(app)
    for i, value in enumerate(factories.slip_values(app, m)[:3]):
        factories.cast(app, m, value, comment=f"第{i}条")
    assert sorted(results.comments(m)) == ["第0条", "第1条", "第2条"]


def _close_and_certify(app, m):
    owner = db.session.get(User, m.created_by_id)
    meetings.transition(owner, m, Transition.CLOSE)
    meetings.certify(owner, m, "计票甲", "监票乙", factories.keys(app))
    return owner


def test_a_wholly_blank_phone_ballot_is_valid_and_every_row_counts_as_abstain(
    app, client, actions, runner
):
    m = factories.meeting(app, members=2)
    blank, filled = factories.slip_values(app, m)[:2]
    factories.cast(app, m, blank, form5=None, duty=None, activity=None)
    factories.cast(app, m, filled, duty="good")
    assert not any(b.is_form5_void or b.is_form6_void for b in db.session.scalars(select(Ballot)))

    data = json.loads(runner.invoke(args=["tally", str(m.id)]).output)
    combined = data["form5"]["combined"]
    assert (combined["ballots"], combined["void"]) == (2, 0)
    assert all(e["counts"]["abstain"] == 1 for e in combined["evaluees"])
    assert (data["form6"]["ballots"], data["form6"]["void"]) == (2, 0)
    assert data["form6"]["items"]["duty"]["abstain"] == 1
    assert data["form6"]["items"]["activity"]["abstain"] == 1
    slip7 = data["slip7"]
    assert (slip7["returned"], slip7["valid"], slip7["void"]) == (2, 2, 0)
    assert (slip7["good"], slip7["abstain"], slip7["pass_rate"]) == (1, 1, 50.0)

    owner = db.session.get(User, m.created_by_id)
    meetings.transition(owner, m, Transition.CLOSE)
    actions.login_as(owner)
    printed = client.get(f"/print/{m.id}/slip7").get_data(as_text=True)
    assert (
        '其中有效票<span class="blank ">2</span>张，废票<span class="blank ">0</span>张' in printed
    )
    assert (
        '记“差”的<span class="blank ">0</span>票，弃权<span class="blank ">1</span>票。' in printed
    )


def test_a_certified_meeting_keeps_its_figures_whatever_the_box_holds_later(app, runner):
    m = factories.meeting(app, members=2)
    for value in factories.slip_values(app, m)[:3]:
        factories.cast(app, m, value, duty="fairly_good")
    _close_and_certify(app, m)
    stored = json.loads(db.session.get(Meeting, m.id).certified_result)
    assert results.meeting_results(m).as_dict() == stored

    # Rows changed underneath (a bug, a hand edit, a later counting rule): nothing moves.
    db.session.execute(update(Form6Mark).values(mark="poor"))
    db.session.execute(update(Form5Mark).values(mark="over_marked"))
    db.session.delete(db.session.scalars(select(Ballot)).first())
    db.session.commit()
    db.session.expire_all()
    figures = results.meeting_results(db.session.get(Meeting, m.id))
    assert figures.as_dict() == stored
    assert (figures.returned, figures.slip7.fairly_good, figures.slip7.poor) == (3, 3, 0)
    assert figures.tally.form5["combined"].evaluees[0].row["excellent"] == 3
    cli = runner.invoke(args=["tally", str(m.id), "--format", "json"])
    assert json.loads(cli.output) == stored
    assert live.live_results(db.session.get(Meeting, m.id))["slip7"] == stored["slip7"]


def test_figures_certified_before_the_abstain_line_read_with_zero_abstentions(app):
    m = factories.meeting(app, members=1)
    factories.cast(app, m, factories.slip_values(app, m)[0])
    _close_and_certify(app, m)
    stored = json.loads(m.certified_result)
    del stored["slip7"]["abstain"]
    m.certified_result = json.dumps(stored)
    db.session.commit()
    figures = results.meeting_results(m)
    assert figures.slip7.abstain == 0 and figures.as_dict()["slip7"]["abstain"] == 0
    assert figures.as_dict()["slip7"]["valid"] == stored["slip7"]["valid"] == 1


def _enter_paper(app, m, owner, sheets: int) -> None:  # type: ignore[no-untyped-def]
    """One counted stack of table B paper ballots, every row ticked 称职 / 好."""
    teller = factories.teller(m, name="paper")
    stack = paper.open_stack(teller, m, Category.B)
    spec = paper.entry_spec(m, Category.B)
    marks = {row.field: [row.codes[1 if row.form == 5 else 0]] for row in spec.rows}
    for _ in range(sheets):
        packet = read_packet(spec, lambda k: marks.get(k, []), paper=True)
        paper.enter_sheet(teller, m, stack, packet)
    assert paper.finish_pass(teller, m, stack) == []


def test_paper_ballots_are_counted_from_the_box_before_and_after_certifying(app):
    m = factories.meeting(app, a=1, b=3, members=2)
    m.paper_issued, m.paper_double_entry = 3, False
    db.session.commit()
    owner = db.session.get(User, m.created_by_id)
    factories.cast(app, m, factories.slip_values(app, m)[0])  # a phone ballot is not paper
    assert results.paper_ballots(m.id) == 0
    _enter_paper(app, m, owner, 2)
    other = factories.meeting(app, unit_name="别的镇")  # another meeting's ballots do not count
    factories.cast(app, other, factories.slip_values(app, other)[0])
    assert results.paper_ballots(m.id) == 2
    _close_and_certify(app, m)
    assert not paper.stacks(m)  # the entry stacks are gone
    assert results.paper_ballots(m.id) == 2
    assert results.meeting_results(m).returned == 3


def test_the_tally_json_carries_shares_adding_up_to_100(app, runner):
    m = factories.meeting(app, a=1, b=6, members=2)
    picks = ("excellent", "excellent", "competent", None, "incompetent", "basically_competent")
    for value, form5 in zip(factories.slip_values(app, m, "B"), picks, strict=True):
        factories.cast(app, m, value, form5=form5, duty="good" if form5 else None)
    _close_and_certify(app, m)
    data = json.loads(runner.invoke(args=["tally", str(m.id)]).output)
    for line in data["form5"]["combined"]["evaluees"]:
        # 2/6 and four times 1/6: the three hundredths left over go to the largest
        # remainders (1/6's), the earlier codes first
        assert line["shares"] == {
            "excellent": "33.33",
            "competent": "16.67",
            "basically_competent": "16.67",
            "incompetent": "16.67",
            "abstain": "16.66",
        }
        assert sum(Decimal(v) for v in line["shares"].values()) == Decimal("100.00")
    duty = data["form6"]["shares"]["duty"]
    assert (duty["good"], duty["abstain"]) == ("83.33", "16.67")
    assert data == json.loads(db.session.get(Meeting, m.id).certified_result)
