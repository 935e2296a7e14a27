"""The live count's k-step, kept per table (SPEC "Secrecy"), over random halls: ballots of
table A and B arriving in any order, watchers looking at any moment."""

from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from ballot_app.domain.live_step import (
    Part,
    PartCounts,
    combine_form5,
    may_replace,
    next_held,
    replaced_parts,
    short_tables,
    step_of,
)

CHOICES = ("excellent", "competent", "basically_competent", "incompetent", "abstain")
EVALUEES = (("甲一", "镇长"), ("乙二", "副镇长"))

#: One arrival: the ballot's table, its choice for each evaluee, and whether someone looks
#: at the live view right after it came in.
arrivals = st.lists(
    st.tuples(
        st.sampled_from("AB"),
        st.tuples(*(st.sampled_from(CHOICES) for _ in EVALUEES)),
        st.booleans(),
    ),
    max_size=60,
)


def figures(ballots: list[tuple[str, ...]]) -> dict:
    """A form 5 part in SPEC's schema, counted over these ballots."""
    evaluees = []
    for i, (name, post) in enumerate(EVALUEES):
        counts = dict.fromkeys((*CHOICES, "invalid"), 0)
        for ballot in ballots:
            counts[ballot[i]] += 1
        evaluees.append({"name": name, "post": post, "counts": counts})
    return {"ballots": len(ballots), "void": 0, "evaluees": evaluees}


class Hall:
    """The box and the views it shows, run with the domain's rules."""

    def __init__(self, k: int) -> None:
        self.k = k
        self.box: dict[str, list[tuple[str, ...]]] = {"A": [], "B": [], "form6": []}
        self.held = PartCounts()
        self.shown: dict[Part, dict] = {}

    def cast(self, table: str, ballot: tuple[str, ...]) -> None:
        self.box[table].append(ballot)
        self.box["form6"].append(ballot)  # form 6 steps over every ballot

    def current(self) -> PartCounts:
        return PartCounts(*(len(self.box[p.value]) for p in Part))

    def look(self) -> tuple[PartCounts, dict[Part, dict]]:
        """What a watcher sees now: the held views, or new ones where a step is due."""
        new = next_held(self.held, self.current(), self.k)
        for part in replaced_parts(self.held, new):
            self.shown[part] = figures(self.box[part.value])
        self.held = new
        return new, dict(self.shown)


@settings(max_examples=300, deadline=None)
@given(hall=arrivals, k=st.integers(3, 8))
def test_each_table_moves_only_by_whole_steps_of_its_own_ballots(hall, k):
    room = Hall(k)
    views = []
    for table, ballot, looks in hall:
        room.cast(table, ballot)
        if looks:
            views.append(room.look())
    for held, shown in views:
        for part in Part:
            # (1), (3): nothing rests on fewer than k ballots of its part, the first view
            # included; what is shown is the count over exactly that many of its ballots.
            assert held[part] == 0 or held[part] >= k
            assert (part in shown) == (held[part] > 0)
            if part in shown:
                assert shown[part] == figures(room.box[part.value][: held[part]])
    for (held_before, before), (held_after, after) in zip(views, views[1:], strict=False):
        for part in Part:
            # (2), (3): two successive views that differ are k or more ballots apart.
            if before.get(part) != after.get(part):
                assert held_after[part] - held_before[part] >= k


@settings(max_examples=300, deadline=None)
@given(hall=arrivals, k=st.integers(3, 8))
def test_combined_is_the_sum_of_the_table_views_shown(hall, k):
    room = Hall(k)
    for table, ballot, looks in hall:
        room.cast(table, ballot)
        if not looks:
            continue
        _, shown = room.look()
        tables = [shown[p] for p in (Part.A, Part.B) if p in shown]
        combined = combine_form5(tables)
        if not tables:
            assert combined is None
            continue
        # (4): combined == A view + B view, never a count of the box afresh.
        assert combined["ballots"] == sum(t["ballots"] for t in tables)
        for i, line in enumerate(combined["evaluees"]):
            assert (line["name"], line["post"]) == EVALUEES[i]
            for choice in (*CHOICES, "invalid"):
                expected = sum(t["evaluees"][i]["counts"][choice] for t in tables)
                assert line["counts"][choice] == expected
            if line["shares"] is not None:  # the combined shares add up like every table's
                assert sum(Decimal(v) for v in line["shares"].values()) == Decimal("100.00")


@settings(max_examples=200, deadline=None)
@given(
    k=st.integers(3, 8),
    events=st.lists(
        st.one_of(
            st.tuples(st.just("cast"), st.sampled_from("AB")),
            st.tuples(st.just("read"), st.integers(0, 2)),
            st.tuples(st.just("store"), st.integers(0, 2)),
        ),
        max_size=80,
    ),
)
def test_processes_racing_store_one_step_at_a_time(k, events):
    """Several app processes read the held counts, count the box a moment later and store a
    new step only over the step they read (the service's conditional UPDATE): the stored
    steps still move by whole steps per part."""
    box = PartCounts()
    stored = [PartCounts()]
    read: dict[int, PartCounts] = {}
    for kind, arg in events:
        if kind == "cast":
            a, b = box.a + (arg == "A"), box.b + (arg == "B")
            box = PartCounts(a, b, a + b)
        elif kind == "read":
            read[arg] = stored[-1]
        elif arg in read:
            seen = read.pop(arg)
            new = next_held(seen, box, k)
            if new != seen and stored[-1] == seen:  # the compare-and-set
                stored.append(new)
    for before, after in zip(stored, stored[1:], strict=False):
        for part in Part:
            assert after[part] == 0 or after[part] >= k
            if after[part] != before[part]:
                assert after[part] - before[part] >= k


def test_a_part_shows_nothing_below_k_and_then_waits_a_whole_step():
    assert not may_replace(0, 4, 5) and may_replace(0, 5, 5)
    assert not any(may_replace(10, n, 5) for n in range(10, 15))
    assert may_replace(10, 15, 5) and may_replace(10, 40, 5)
    # A withdrawn paper ballot lowers the count: the view stays until a step past it.
    assert not may_replace(10, 9, 5) and not may_replace(10, 14, 5)


def test_the_step_is_never_below_three():
    assert step_of(1) == step_of(2) == step_of(3) == 3
    assert step_of(5) == 5
    assert not may_replace(0, 2, 1) and may_replace(0, 3, 1)


def test_tables_are_held_apart_and_form6_over_all_ballots():
    held = next_held(PartCounts(), PartCounts(4, 1, 5), 5)
    assert held == PartCounts(0, 0, 5)  # neither table has 5, all ballots have
    assert next_held(held, PartCounts(5, 4, 9), 5) == PartCounts(5, 0, 5)
    assert next_held(PartCounts(5, 0, 5), PartCounts(9, 5, 14), 5) == PartCounts(5, 5, 14)


def test_meeting_page_warns_about_tables_with_fewer_than_two_steps_of_slips():
    warned = short_tables(PartCounts(4, 7, 11), 5, form5=True, form6=True)
    assert [(w.part, w.slips) for w in warned] == [(Part.A, 4), (Part.B, 7)]
    assert warned[0].message == (
        "表A只有 4 张测评码，少于步长（5）：表A的实时结果在关闭投票箱之前不会出现，只在关闭后显示。"
    )
    assert "少于步长的两倍（10）" in warned[1].message and "收回满 5 票才出现" in warned[1].message
    # A table without slips has no results to wait for; form 6 counts every slip.
    only_b = short_tables(PartCounts(0, 6, 6), 5, form5=True, form6=True)
    assert [w.part for w in only_b] == [Part.B, Part.FORM6]
    assert (
        only_b[1].message.startswith("全场只有 6 张测评码") and "表6的实时结果" in only_b[1].message
    )
    assert short_tables(PartCounts(4, 6, 10), 5, form5=False, form6=True) == ()
