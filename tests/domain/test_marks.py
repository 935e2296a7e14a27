"""SPEC "Ballot rules": rows, abstentions, over-marks, void forms, comments."""

from ballot_app.domain.ballot_spec import EvalueeLine, build_spec
from ballot_app.domain.choices import Category
from ballot_app.domain.marks import count_empty, is_void, read_packet

SPEC = build_spec(
    Category.A,
    [EvalueeLine(1, "甲一", "书记"), EvalueeLine(2, "乙二", "镇长")],
    form5=True,
    form6=True,
    secretary_name="甲一",
)


def getter(data):
    return lambda key: data.get(key, [])


def test_rows_are_evaluees_in_meeting_order_then_duty_and_activity():
    assert [r.field for r in SPEC.rows] == ["f5_1", "f5_2", "f6_duty", "f6_activity"]
    assert SPEC.form5[0].codes == ("excellent", "competent", "basically_competent", "incompetent")
    assert SPEC.form6[0].codes == ("good", "fairly_good", "average", "poor")
    assert SPEC.form6[0].title == "甲一同志履行管党责任情况"


def test_one_choice_per_row_is_read_as_the_choice_code():
    packet = read_packet(SPEC, getter({"f5_1": ["excellent"], "f6_duty": ["good"]}))
    assert packet.marks["f5_1"] == "excellent"
    assert packet.marks["f6_duty"] == "good"
    assert not packet.errors


def test_empty_row_is_an_abstention_and_the_ballot_stays_valid():
    packet = read_packet(SPEC, getter({"f5_1": ["competent"]}))
    assert packet.marks["f5_2"] == "empty"
    assert not packet.errors
    assert not is_void([packet.marks["f5_1"], packet.marks["f5_2"]])
    assert count_empty(SPEC, packet) == 3


def test_a_phone_cannot_put_two_choices_on_one_row():
    packet = read_packet(SPEC, getter({"f5_1": ["excellent", "competent"]}))
    assert "f5_1" in packet.errors


def test_a_phone_cannot_send_special_marks_or_unknown_codes():
    packet = read_packet(SPEC, getter({"f5_1": ["over_marked"], "f5_2": ["good"]}))
    assert set(packet.errors) == {"f5_1", "f5_2"}


def test_paper_entry_may_mark_a_row_over_marked_and_the_rest_stands():
    packet = read_packet(SPEC, getter({"f5_1": ["over_marked"], "f5_2": ["competent"]}), paper=True)
    assert not packet.errors
    assert packet.marks["f5_1"] == "over_marked"
    assert not is_void([packet.marks["f5_1"], packet.marks["f5_2"]])


def test_a_form_is_void_only_when_it_has_rows_and_every_row_is_over_marked():
    assert is_void(["over_marked"])
    assert is_void(["over_marked", "over_marked", "over_marked"])
    assert not is_void(["empty", "over_marked"])  # the empty row is 弃权: the form stands
    assert not is_void(["poor", "over_marked"])
    assert not is_void([])  # no rows at all: nothing to be void


def test_a_wholly_blank_form_is_valid_with_every_row_an_abstention():
    packet = read_packet(SPEC, getter({}))
    assert set(packet.marks.values()) == {"empty"}
    assert not packet.errors
    assert not is_void(packet.marks.values())
    assert not is_void([packet.marks["f6_duty"], packet.marks["f6_activity"]])
    assert count_empty(SPEC, packet) == len(SPEC.rows)


def test_comment_is_optional_plain_text_of_at_most_500_characters():
    ok = read_packet(SPEC, getter({"comment": ["  建议\x07多下基层\r\n  "]}))
    assert ok.comment == "建议多下基层"
    assert not ok.errors
    too_long = read_packet(SPEC, getter({"comment": ["字" * 501]}))
    assert "comment" in too_long.errors
    assert too_long.comment == "字" * 501  # kept, so the voter can shorten it


def test_form6_only_ballot_has_no_form5_rows():
    spec = build_spec(Category.B, [EvalueeLine(1, "甲一", "书记")], form5=False, form6=True)
    assert [r.field for r in spec.rows] == ["f6_duty", "f6_activity"]
    assert spec.form6[0].title == "党组织书记履行管党责任情况"
