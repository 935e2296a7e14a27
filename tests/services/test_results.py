"""The tally equals an independent count of what was cast."""

import json
import random
from collections import Counter

from ballot_app.domain.choices import FORM5_CODES, FORM6_CODES
from ballot_app.domain.marks import count_empty
from ballot_app.services import results, slips, voting

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
        void5[cat] += all(mk == "empty" for mk in marks5)
        void6 += all(mk == "empty" for mk in marks6)
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
    valid = sum(expected6[("duty", c)] for c in FORM6_CODES)
    assert slip7["issued"] == 19 and slip7["participants"] == 19
    assert slip7["returned"] == cast and slip7["valid"] == valid
    assert slip7["void"] == cast - valid
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
