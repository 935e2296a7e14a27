"""Reading an uploaded roster (SPEC "Units and rosters"): files refused whole with one sentence,
cells read in every form an office types them, and the template and exports reading back."""

import ast
import io
import random
import zipfile
from dataclasses import replace
from datetime import date, datetime
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import Workbook, load_workbook

from ballot_app.domain.roster_rules import RosterLine, default_cutoff, place_roster
from ballot_app.services import roster_file
from ballot_app.services.roster_file import (
    HEADS,
    MAX_ROWS,
    read_pasted,
    read_roster,
    roster_workbook,
    template_workbook,
)


def xlsx(*rows, title="名册", more=None):
    """A workbook of these rows; more: further sheets as {title: rows}."""
    book = Workbook()
    ws = book.active
    ws.title = title
    for row in rows:
        ws.append(list(row))
    for name, extra in (more or {}).items():
        sheet = book.create_sheet(name)
        for row in extra:
            sheet.append(list(row))
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def saved(book):
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


HEAD = ("姓名", "单位", "职务")
PERSON = ("李晓红", "示例局", "局长")


def refused(result):
    assert result.lines == () and result.problems == ()
    assert result.refusal is not None and result.has_errors
    return result.refusal


# Files refused whole


def test_unknown_and_missing_columns_are_named():
    message = refused(read_roster(xlsx(("姓名", "部门", "职务", "籍贯"), PERSON), "a.xlsx"))
    assert message.startswith("表头中的「部门」「籍贯」不是名册的列，又缺少「单位」列：")
    assert message.endswith("请改正后重新导入。")
    missing = refused(read_roster(xlsx(("姓名", "单位"), PERSON[:2]), "a.xlsx"))
    assert missing.startswith("表头缺少「职务」列，请补上这些列（姓名、单位、职务、")


def test_a_repeated_head_is_refused():
    message = refused(read_roster(xlsx((*HEAD, "单位"), (*PERSON, "示例镇")), "a.xlsx"))
    assert message == "表头中「单位」出现了不止一次，请删去多余的列后重新导入。"


@pytest.mark.parametrize(
    ("data", "name"),
    [
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)), "photo.xlsx"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)), "photo.csv"),
        (random.Random(7).randbytes(2048), "roster.csv"),
        (b"PK\x03\x04" + random.Random(8).randbytes(500), "roster.xlsx"),
        (b"%PDF-1.7\n", "roster.pdf"),
    ],
)
def test_a_file_that_is_not_a_spreadsheet_is_refused(data, name):
    assert refused(read_roster(data, name)) == (
        f"“{name}”不是可以读取的表格文件，请用 Excel 或 WPS 打开名册，另存为 .xlsx 或 .csv 后重新导入。"
    )


def test_a_zip_that_is_not_a_workbook_is_refused():
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("word/document.xml", "<w/>")
    assert "不是可以读取的表格文件" in refused(read_roster(out.getvalue(), "a.xlsx"))


def test_an_old_xls_is_refused_with_what_to_do():
    data = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(512)
    assert "另存为 .xlsx" in refused(read_roster(data, "名册.xls"))


def test_a_file_over_5_mb_is_refused():
    data = b"\xef\xbb\xbf" + ("姓名,单位,职务\n" + "李晓红,示例局,局长\n" * 300_000).encode()
    assert len(data) > 5 * 1024 * 1024
    message = refused(read_roster(data, "a.csv"))
    assert message.startswith("文件超过 5 MB")


def test_a_file_over_5000_rows_is_refused():
    body = "".join(f"李{i},示例局,局长\n" for i in range(MAX_ROWS + 1))
    message = refused(read_roster(("姓名,单位,职务\n" + body).encode(), "a.csv"))
    assert message == "名册最多 5000 行，这里有 5001 行，请分成几个文件分别导入。"
    exactly = "".join(f"李{i},示例局,局长\n" for i in range(MAX_ROWS))
    assert len(read_roster(("姓名,单位,职务\n" + exactly).encode(), "a.csv").lines) == MAX_ROWS


def test_a_formula_cell_is_named_and_values_only_asked_for():
    data = xlsx(HEAD, PERSON, ("王晓东", "=B2", "副局长"))
    assert refused(read_roster(data, "a.xlsx")) == (
        "单元格 B3 是公式，请复制整张表后用“选择性粘贴 → 数值”粘贴，再重新导入。"
    )


def test_a_merged_head_cell_is_named():
    book = Workbook()
    ws = book.active
    ws.append(["姓名", "单位", None, "职务"])
    ws.append(["李晓红", "示例局", None, "局长"])
    ws.merge_cells("B1:C1")
    assert refused(read_roster(saved(book), "a.xlsx")) == (
        "表头的单元格 B1:C1 是合并的，请取消合并、每列只写一个列名后重新导入。"
    )


def test_merged_data_cells_give_each_row_the_merged_value():
    book = Workbook()
    ws = book.active
    ws.append(HEAD)
    ws.append(["李晓红", "示例局", "局长"])
    ws.append(["王晓东", None, "副局长"])
    ws.merge_cells("B2:B3")
    result = read_roster(saved(book), "a.xlsx")
    assert [line.unit for line in result.lines] == ["示例局", "示例局"]


@pytest.mark.parametrize("data", [b"", b"   \r\n", b"\xef\xbb\xbf", b"\xef\xbb\xbf\n\n"])
def test_an_empty_file_is_refused(data):
    assert refused(read_roster(data, "a.csv")) == "文件是空的，请在模板中填好人员后重新导入。"


def test_an_empty_workbook_and_a_head_without_people_are_refused():
    assert refused(read_roster(xlsx(), "a.xlsx")).startswith("工作簿是空的")
    assert refused(read_roster(xlsx(HEAD), "a.xlsx")) == (
        "名册里没有人员，请在表头下面逐行填写后重新导入。"
    )


def test_a_workbook_without_heads_names_the_sheets_looked_at():
    data = xlsx(PERSON, title="一科", more={"统计": [("合计", 3)]})
    assert refused(read_roster(data, "a.xlsx")) == (
        "在工作表「一科」「统计」中没有找到表头，"
        "请让名册的第一行是列名（姓名、单位、职务等，可下载模板对照）后重新导入。"
    )


def test_the_sheet_with_the_heads_is_read_whichever_it_is():
    data = xlsx(("说明",), title="封面", more={"人员": [HEAD, PERSON]})
    result = read_roster(data, "a.xlsx")
    assert result.sheet == "人员"
    assert [line.name for line in result.lines] == ["李晓红"]


def test_two_sheets_with_heads_are_refused():
    data = xlsx(HEAD, PERSON, title="示例局", more={"示例镇": [HEAD, PERSON]})
    assert refused(read_roster(data, "a.xlsx")).startswith(
        "工作表「示例局」「示例镇」都有名册的表头，一次只能导入一张表"
    )


def test_a_column_without_a_head_but_with_content_is_refused():
    data = xlsx(HEAD, (*PERSON, None, "多出来的"))
    assert refused(read_roster(data, "a.xlsx")) == (
        "第 5 列（E 列）没有列名，但第 2 行有内容：请给这一列写上列名或删去这一列，然后重新导入。"
    )


# Cells


def test_heads_in_any_order_with_spaces_a_title_row_and_a_serial_column():
    data = xlsx(
        ("2026年度考核对象名册",),
        ("序号", " 职　务 ", "姓  名", "单位\u3000", "党政正职"),
        (1, "　局长 ", " 李晓红\u3000", "示例局", "√"),
        (2, "副局长", "王　东", "示例局", " 否 "),
    )
    result = read_roster(data, "a.xlsx")
    assert not result.has_errors
    first, second = result.lines
    assert (first.line_no, first.name, first.unit, first.post) == (3, "李晓红", "示例局", "局长")
    assert first.is_principal and not second.is_principal
    assert second.name == "王东"  # a two-character name padded to line up with three


@pytest.mark.parametrize(
    "cell",
    ["2026-09-30", "2026/9/30", "2026.9.30", "2026年9月30日", "20260930", 20260930, " 2026-9-30 "],
)
def test_dates_in_every_accepted_form(cell):
    result = read_roster(xlsx((*HEAD, "任职变动日期"), (*PERSON, cell)), "a.xlsx")
    assert not result.problems
    assert result.lines[0].changed_on == date(2026, 9, 30)


def test_an_excel_date_cell_is_a_date():
    for value in (datetime(2026, 9, 30), date(2026, 9, 30)):
        result = read_roster(xlsx((*HEAD, "任职变动日期"), (*PERSON, value)), "a.xlsx")
        assert result.lines[0].changed_on == date(2026, 9, 30)


@pytest.mark.parametrize("cell", ["2026年9月", "9月30日", "2026-02-30", "明年", 46295, "2026-9/30"])
def test_any_other_date_is_an_error_naming_the_cell_and_the_forms(cell):
    result = read_roster(xlsx((*HEAD, "任职变动日期"), (*PERSON, cell)), "a.xlsx")
    (problem,) = result.problems
    assert problem.is_error and problem.line_no == 2
    assert problem.message == (
        f"第 2 行：单元格 D2（任职变动日期）填的“{cell}”不是可识别的日期，"
        "请写成 2026-09-30、2026/9/30、2026.9.30、2026年9月30日 或 20260930，"
        "或设为 Excel 的日期格式，然后重新导入。"
    )
    assert result.lines[0].changed_on is None


def test_flags_read_yes_no_tick_and_empty_and_main_post_keeps_not_filled_apart():
    rows = [
        ("李晓红", "示例局", "局长", "是", "√", "是"),
        ("王晓东", "示例局", "副局长", "否", None, "否"),
        ("赵一凡", "示例局", "纪检组长", None, "", None),
        ("张晓东", "示例局", "武装部长", True, False, "也许"),
    ]
    result = read_roster(xlsx((*HEAD, "党政正职", "党组织书记", "主要职务"), *rows), "a.xlsx")
    got = [(ln.is_principal, ln.is_secretary, ln.is_main) for ln in result.lines]
    assert got == [(True, True, True), (False, False, False), (False, False, None)] + [
        (True, False, None)
    ]
    (problem,) = result.problems
    assert problem.message.startswith("第 5 行：单元格 F5（主要职务）填的“也许”无法识别")


CSV = "姓名,单位,职务,任职变动日期\n李晓红,示例局,局长,2026/9/30\n王晓东,示例镇,\u3000副镇长,\n"


@pytest.mark.parametrize("encoding", ["gbk", "gb18030", "utf-8", "utf-8-sig", "utf-16"])
def test_csv_in_the_encodings_excel_saves(encoding):
    result = read_roster(CSV.encode(encoding), "名册.csv")
    assert not result.has_errors
    assert [(ln.name, ln.post) for ln in result.lines] == [("李晓红", "局长"), ("王晓东", "副镇长")]
    assert result.lines[0].changed_on == date(2026, 9, 30)


def test_a_tab_separated_csv_and_quoted_cells():
    text = '姓名\t单位\t职务\t分管工作\n李晓红\t示例局\t局长\t"财政, 税务"\n'
    result = read_roster(text.encode("gbk"), "a.csv")
    assert result.lines[0].portfolio == "财政, 税务"


def test_a_paste_with_a_header_line():
    result = read_pasted("职务\t姓名\t单位\r\n局长\t李晓红\t示例局\r\n")
    assert [(ln.line_no, ln.name, ln.post) for ln in result.lines] == [(2, "李晓红", "局长")]


def test_a_paste_without_a_header_takes_the_template_s_order():
    result = read_pasted("李晓红\t示例局\t局长\t分管财政\t是\n王晓东\t示例局\t副局长\n")
    assert not result.has_errors
    first, second = result.lines
    assert (first.line_no, first.portfolio, first.is_principal) == (1, "分管财政", True)
    assert (second.line_no, second.name, second.portfolio) == (2, "王晓东", "")


def test_a_pasted_bad_date_names_the_column():
    result = read_pasted("姓名\t单位\t职务\t任职变动日期\n李晓红\t示例局\t局长\t十月\n")
    assert result.problems[0].message.startswith(
        "第 2 行：“任职变动日期”填的“十月”不是可识别的日期"
    )


def test_an_empty_paste_is_refused():
    assert refused(read_pasted(" \n\t\n")).startswith("没有粘贴任何内容")


# Template and exports


def test_the_template_reads_back_with_no_errors():
    data = template_workbook()
    result = read_roster(data, "考核对象名册模板.xlsx")
    assert not result.has_errors and result.sheet == "名册"
    (example,) = result.lines
    assert example.name == "王小明"
    assert [p.is_error for p in result.problems] == [False]  # delete the example, it says
    assert not place_roster(result.lines, default_cutoff(2026)).has_errors
    book = load_workbook(io.BytesIO(data))
    assert book.sheetnames == ["名册", "填写说明"]
    assert [c.value for c in book["名册"][1]] == list(HEADS)
    assert book["名册"].column_dimensions["B"].width == 24
    notes = "".join(str(c.value) for row in book["填写说明"].iter_rows() for c in row)
    for head in HEADS:
        assert head in notes
    assert "9月30日" in notes and "兼任" in notes


def test_the_template_prints_the_campaign_s_cut_off():
    book = load_workbook(io.BytesIO(template_workbook(date(2026, 10, 31))))
    notes = "".join(str(c.value) for row in book["填写说明"].iter_rows() for c in row)
    assert "任职变动日期在10月31日之后的" in notes and "9月30日之后" not in notes


def test_text_beginning_with_an_equals_sign_is_written_as_text():
    rows = [RosterLine(2, "李晓红", "示例局", "=局长")]
    assert read_roster(roster_workbook(rows), "a.xlsx").lines == tuple(rows)


# Round trip: what read_roster returns, roster_workbook writes back unchanged.

CJK = st.characters(min_codepoint=0x4E00, max_codepoint=0x4E60)
WORDS = st.text(st.one_of(CJK, st.sampled_from("abcXYZ019、（）-=·"), st.just(" ")), max_size=12)


#: Cells as read_roster returns them: trimmed, spaces inside kept (but not inside a name).
texts = WORDS.map(str.strip)
names = st.text(st.one_of(CJK, st.sampled_from("·")), min_size=1, max_size=6)
required = WORDS.map(str.strip).filter(bool)

rosters = st.lists(
    st.builds(
        RosterLine,
        st.just(0),
        names,
        required,
        required,
        portfolio=texts,
        is_principal=st.booleans(),
        is_secretary=st.booleans(),
        old_unit=texts,
        old_post=texts,
        changed_on=st.one_of(st.none(), st.dates(date(1990, 1, 1), date(2030, 12, 31))),
        is_main=st.sampled_from((True, False, None)),
    ),
    min_size=1,
    max_size=6,
).map(lambda lines: [replace(line, line_no=n) for n, line in enumerate(lines, 2)])


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(rows=rosters)
def test_a_written_roster_reads_back_as_the_same_rows(rows):
    result = read_roster(roster_workbook(rows), "名册.xlsx")
    assert not result.has_errors
    assert list(result.lines) == rows


@settings(max_examples=40, deadline=None)
@given(cells=st.lists(st.lists(WORDS, min_size=3, max_size=3), min_size=1, max_size=5))
def test_whatever_is_pasted_reads_the_same_again_after_writing_it_out(cells):
    text = "\n".join("\t".join(c.replace("\t", " ") for c in row) for row in cells)
    first = read_pasted("姓名\t单位\t职务\n" + text)
    if first.is_refused:
        return
    again = read_roster(roster_workbook(first.lines), "a.xlsx")
    assert [replace(ln, line_no=0) for ln in again.lines] == [
        replace(ln, line_no=0) for ln in first.lines
    ]


def test_the_module_needs_no_flask_and_no_database():
    tree = ast.parse(Path(roster_file.__file__).read_text(encoding="utf-8"))
    imported = [
        name
        for node in ast.walk(tree)
        if isinstance(node, ast.Import | ast.ImportFrom)
        for name in (
            [a.name for a in node.names] if isinstance(node, ast.Import) else [node.module or ""]
        )
    ]
    assert not [n for n in imported if n.startswith(("flask", "sqlalchemy", "..models", "models"))]
