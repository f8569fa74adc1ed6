"""What the document is: its tables published apart, a region or a year the document does not state plainly."""

from __future__ import annotations

from .engine import Document, rule

YEAR_FROM = {"table_titles": ("各表标题", "the titles of its tables"), "file_name": ("文件名", "its file name")}


@rule("complete.tables_elsewhere", "表格与说明同在一份文件", "The tables are in the file", "info",
      "有的地方把情况说明和预算报表分成两个文件公开（如北京的附件1、附件2）。只有情况说明的文件照常发布其文字内容，"
      "此处说明其表格不在文件中；两个文件一同读取时合为一份文件。",
      "Some publish the narrative and the tables of a disclosure as two files (Beijing's 附件1 and 附件2). A file "
      "holding the narrative only is published with what its text gives; this says its tables are not in it. Read "
      "together, the two files become one document.",
      needs=[])  # reads the document's own row
def tables_elsewhere(doc: Document):
    if doc.info.get("contents") == "narrative":
        yield {"subject_zh": doc.info.get("source_file"),
               "message_zh": "本文件只有情况说明，预算表格不在其中（可能另行公开）；与表格文件一同读取可合为一份文件。",
               "message_en": "This file holds the narrative only; its budget tables are not in it (published apart, "
                             "perhaps). Read together with the tables file, the two become one document."}


@rule("names.region_unknown", "部门所在地区可知", "The body's region is known", "info",
      "地区取自部门名称开头的完整行政区名称（metadata/regions.tsv）或标题所写地区；名称只写简称或重名的区县时不作猜测，地区留空。",
      "The region comes from the full name of an administrative region at the start of the body's name "
      "(metadata/regions.tsv) or from the title; a short form or a district name several cities share is not "
      "guessed: the region is left empty.",
      needs=[])
def region_unknown(doc: Document):
    if not doc.info.get("region_code") and not doc.info.get("region_zh"):
        name = doc.info.get("department_zh") or ""
        yield {"subject_zh": name,
               "message_zh": f"部门名称“{name}”不以完整的行政区名称开头，标题也未写地区：地区留空，不作猜测。",
               "message_en": f"The body's name {name!r} does not start with the full name of a region and the title "
                             f"names none: the region is left empty rather than guessed."}


@rule("names.year_stated", "标题写明财政年度", "The title states the fiscal year", "info",
      "财政年度应取自文件标题或封面；标题缺少年度（如字体问题使年份无法读取）时，取自各表标题或文件名，可靠性较低。",
      "The fiscal year is read from the document's title or cover; when the title lost its year (a font the "
      "reader cannot place), it is read from the tables' titles or the file name, with less confidence. It says how "
      "we read the year, not a fault of the document: info.",
      needs=[])
def year_stated(doc: Document):
    source = doc.info.get("year_source")
    if source in YEAR_FROM:
        zh, en = YEAR_FROM[source]
        yield {"subject_zh": str(doc.info.get("fiscal_year")),
               "message_zh": f"标题未写明财政年度，{doc.info.get('fiscal_year')}年取自{zh}。",
               "message_en": f"The title states no fiscal year; {doc.info.get('fiscal_year')} is read from {en}."}
