"""The PDF reader on the real Shanghai disclosures (values typed from the printed documents)."""

from __future__ import annotations

from pathlib import Path

import pytest

from yusuan.errors import YusuanError
from yusuan.model import Paragraph, Table
from yusuan.read import read

REAL = Path(__file__).resolve().parent / "fixtures" / "real"


def _table_after(document, title: str) -> Table:
    blocks = document.blocks
    for i, block in enumerate(blocks):
        if isinstance(block, Paragraph) and block.text == title:
            return next(b for b in blocks[i:] if isinstance(b, Table))
    raise AssertionError(f"no table after {title}")


@pytest.fixture(scope="module")
def zfban():
    return read(REAL / "sh_putuo_zfban_dept_2025.pdf")


def test_ruled_table_with_title_and_unit_above(zfban):
    document = zfban
    texts = [b.text for b in document.blocks if isinstance(b, Paragraph)]
    index = texts.index("2025年部门财务收支预算总表")
    assert texts[index + 1] == "编制部门：上海市普陀区人民政府办公室 单位：元"
    table = _table_after(document, "2025年部门财务收支预算总表")
    assert [c.text for c in table.rows[0]] == ["本年收入", "", "本年支出", ""]
    assert [c.text for c in table.rows[-1]] == ["收入总计", "91,016,775.35", "支出总计", "91,016,775.35"]


def test_table_across_pages_is_one_table_without_repeated_header(zfban):
    document = zfban
    table = _table_after(document, "2025年部门一般公共预算支出功能分类预算表")  # pages 14-15
    assert sum(1 for row in table.rows if row[0].text == "项目") == 1
    assert [c.text for c in table.rows[-1]][3:] == ["", "91,016,775.35", "24,606,775.35", "66,410,000.00"]
    assert ["210", "11", "01", "行政单位医疗", "782,855.28", "782,855.28", ""] in [[c.text for c in r] for r in table.rows]


def test_continuation_with_other_column_lines_is_aligned():
    document = read(REAL / "sh_putuo_wanlijd_dept_2024.pdf")
    table = _table_after(document, "2024年部门收入预算总表")  # its 合计 row alone on the next page
    assert [c.text for c in table.rows[-1]][:6] == ["合计", "", "", "", "156,211,123", "156,211,123"]
    assert all(len(row) == 9 for row in table.rows)


def test_wrapped_cell_text_is_joined(zfban):
    table = _table_after(zfban, "2025年部门“三公”经费和机关运行经费预算表")
    assert table.rows[0][-1].text == "机关运行经费预算数"  # printed on two lines
    assert [c.text for c in table.rows[-1]] == ["867.50", "839.00", "28.50", "", "", "", "213.28"]


@pytest.mark.parametrize("content, message", [
    (b"not a pdf at all", "not a PDF file (no %PDF header)"),
    # the first bytes of 8 of the corpus's 重庆 files: the web page that links to the disclosure, saved as .pdf
    ('<!DOCTYPE html>\n<html lang="en">\n\n<head>\n    <meta charset="UTF-8" />\n    <title>重庆市财政局（本级）2026年单位预算公开'
     '_重庆市财政局</title>'.encode(), "not a PDF file: a web page (HTML) saved under a .pdf name"),
    (b"%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\n%%EOF", "PDF"),
])
def test_bad_input_is_one_line(tmp_path, content, message):
    bad = tmp_path / "bad.pdf"
    bad.write_bytes(content)
    with pytest.raises(YusuanError) as caught:
        read(bad)
    assert message in str(caught.value) and "\n" not in str(caught.value)


def _on_page(document, page: int) -> list:
    return [b for b in document.blocks if b.page == page]


def test_text_outside_the_page_or_its_clipping_path_is_not_read():
    """Page 10 shows only a slice of the 收入预算总表: 单位：元 above one column headed 其他收入 (12 empty rows);
    the table's title and the 收入预算 header are drawn outside the page or clipped away, so not read."""
    document = read(REAL / "sh_sjj_unit_2026.pdf")
    blocks = _on_page(document, 10)
    assert [b.text for b in blocks if isinstance(b, Paragraph)] == ["单位：元"]
    table = next(b for b in blocks if isinstance(b, Table))
    assert [[c.text for c in row] for row in table.rows] == [["其他收入"]] + [[""]] * 12
    texts = [b.text for b in document.blocks if isinstance(b, Paragraph)]
    assert "2026年预算单位收入预算总表" in texts  # page 8 shows it, above the first slice
    assert "2026年预算单位收入预算总表" not in [b.text for b in blocks if isinstance(b, Paragraph)]


def test_printed_lines_are_reflowed_into_paragraphs(zfban):
    """Page 3: a paragraph printed on three lines is one paragraph; the heading, the line ending in ：and each
    numbered item stay paragraphs of their own."""
    page = [b.text for b in _on_page(zfban, 3) if isinstance(b, Paragraph)]
    assert page[:4] == [
        "上海市普陀区人民政府办公室主要职能",
        "上海市普陀区人民政府办公室是协助区政府领导处理区政府日常工作的区政府工作部门，为正处级，加挂上海市普陀区"
        "人民政府研究室、上海市普陀区人民政府外事办公室、上海市普陀区人民政府合作交流办公室牌子。上海市普陀区人民"
        "政府办公室与上海市普陀区机关事务管理局合署办公。",
        "主要职能包括：",
        "1.根据区政府领导的要求，组织起草或审核以区政府、区政府办公室名义发布的文件。",
    ]
    first = next(b for b in _on_page(zfban, 3) if isinstance(b, Paragraph) and b.text.startswith("上海市普陀区人民政府办公室是"))
    assert (first.page, first.line) == (3, 2)  # the place of its first printed line


def test_a_list_of_contents_stays_one_line_a_paragraph():
    """The welfare home's contents (page 2): items 8 and 9, the first running to the margin, stay apart."""
    document = read(REAL / "sh_putuo_shflyuan_unit_2024.pdf")
    page = [b.text for b in _on_page(document, 2) if isinstance(b, Paragraph)]
    assert "8．2024年预算单位一般公共预算基本支出部门预算经济分类预算表" in page
    assert "9.单位“三公”经费和机关运行经费预算表" in page


def test_a_password_protected_pdf_says_so():
    """tests/fixtures/password-protected.pdf: one page (Budget 2026), opened only with the password "secret"
    (RC4-128, made with pypdf's PdfWriter.encrypt): one line saying so, not "damaged PDF"."""
    path = REAL.parent / "password-protected.pdf"
    with pytest.raises(YusuanError) as caught:
        read(path)
    assert str(caught.value) == f"{path}: the PDF is password-protected; save an unprotected copy"


def test_published_rows_have_page_and_line_on_that_page():
    """The zfban budget, page 3: its second printed line starts the paragraph about the office."""
    from yusuan.build import extract

    extracted = extract(REAL / "sh_putuo_zfban_dept_2025.pdf")
    paragraph = next(r for r in extracted.rows["paragraphs"] if r["text"].startswith("上海市普陀区人民政府办公室是协助"))
    assert (paragraph["page"], paragraph["line"]) == (3, 2)
    assert all(r["page"] is not None and r["line"] < 100 for r in extracted.rows["paragraphs"])


def test_a_word_broken_before_a_numeral_is_not_a_new_item():
    """苏州市审计局 page 5: （十二）职能转变 … 构建集中统 / 一、全面覆盖、权威高效的审计监督体系 — the line break falls inside
    统一, so 一、 there is not a heading; the next item （十）… was printed as its own paragraph."""
    document = read(REAL / "suzhou_audit_2026.pdf")
    texts = [b.text for b in document.paragraphs if b.page == 5]
    [twelve] = [t for t in texts if t.startswith("（十二）职能转变")]
    assert "构建集中统一、全面覆盖、权威高效的审计监督体系。" in twelve
    assert not any(t.startswith("一、全面覆盖") for t in texts)
    assert "（十一）完成市委、市政府交办的其他任务。" in texts


def _with_an_image_page(source: Path, out: Path) -> Path:
    """The PDF with one more page: its page 3 pasted as a picture (no text layer), as some families print
    their performance-targets forms."""
    import pypdfium2 as pdfium

    pdf = pdfium.PdfDocument(source)
    width, height = pdf[2].get_size()
    page = pdf.new_page(width, height)
    image = pdfium.PdfImage.new(pdf)
    image.set_bitmap(pdf[2].render(scale=1))
    image.set_matrix(pdfium.PdfMatrix().scale(width, height))
    page.insert_obj(image)
    page.gen_content()
    pdf.save(out)
    pdf.close()
    return out


def test_a_page_printed_as_an_image_is_said_not_guessed(tmp_path):
    """zfban has 22 pages of text; page 23 added as a picture: the document says so (documents.image_pages),
    the audit lists it (complete.image_pages, page 23), and nothing is read from it."""
    from conftest import read_csv
    from yusuan.build import build

    assert read(REAL / "sh_putuo_zfban_dept_2025.pdf").image_pages == []
    source = _with_an_image_page(REAL / "sh_putuo_zfban_dept_2025.pdf", tmp_path / "zfban-with-an-image-page.pdf")
    document = read(source)
    assert document.image_pages == [23]
    assert not [b for b in document.blocks if getattr(b, "page", None) == 23]
    build([str(source)], package_dir=tmp_path / "dp", database=tmp_path / "yusuan.db", progress=False)
    [info] = read_csv(tmp_path / "dp" / "documents.csv")
    assert info["image_pages"] == "23"
    found = [(f["rule_id"], f["severity"], f["page"]) for f in read_csv(tmp_path / "dp" / "findings.csv") if f["rule_id"] == "complete.image_pages"]
    assert found == [("complete.image_pages", "warning", "23")]
