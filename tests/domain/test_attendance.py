"""参加人员 per category, as the seed lists them for 乡镇 and 区直单位."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from ballot_app.domain.attendance import categories_for, dumps, loads, problems, total


def test_a_township_records_the_seeds_five_categories_and_a_department_three():
    assert [c.label for c in categories_for("township")][:5] == [
        "机关工作人员（含政府雇员）",
        "二级机构负责人",
        "服务对象代表",
        "企事业单位和村（社区）主要负责人",
        "党代表、人大代表、政协委员",
    ]
    assert [c.key for c in categories_for("department")] == ["staff", "heads", "clients", "others"]
    assert [c.key for c in categories_for("party_org")] == ["others"]


def test_a_category_of_another_kind_or_a_negative_count_is_told():
    assert "不属于" in problems("department", {"deputies": 3})["deputies"]
    assert "0 到" in problems("township", {"staff": -1})["staff"]
    assert problems("township", {"staff": 40, "deputies": 5}) == {}


@given(
    st.dictionaries(st.sampled_from(["staff", "heads", "clients", "others"]), st.integers(0, 1000))
)
def test_the_total_is_the_sum_and_the_stored_form_reads_back(counts):
    assert total(counts) == (sum(counts.values()) if counts else None)
    assert loads(dumps(counts)) == counts
