"""Reading: every budget table found was read; a table read in part or not at all is said beside the data."""

from __future__ import annotations

from .engine import Document, rule, table_zh
from .locate import kind_en, kind_zh


@rule("complete.table_not_read", "每张表都已读取", "Every table was read", "info",
      "文件中找到的每张预算表都应读取；部分读取或未读的表（原因见 tables 表）在此列出，其余部分照常发布。",
      "Every budget table found in the document should be read; a table read in part or not at all (the reason "
      "is in the tables resource) is listed here, and the rest of the document is published as usual.",
      needs=["tables"])
def table_not_read(doc: Document):
    for t in doc.rows.get("tables", []):
        if t.get("status") == "read" or (not t.get("table_kind") and not t.get("facts")):
            continue  # read, or not a budget table (no kind, no amounts)
        kind = t.get("table_kind")
        name_zh = kind_zh(kind) if kind else (t.get("title_as_printed") or "未识别的表")
        name_en = kind_en(kind) if kind else (t.get("title_as_printed") or "unrecognised table")
        status_zh = "部分读取" if t["status"] == "partial" else "未读"
        status_en = "read in part" if t["status"] == "partial" else "not read"
        yield {"table_no": t.get("table_no"), "table_kind": kind, "page": t.get("page"), "line": t.get("line"), "subject_zh": t.get("title_as_printed"),
               "message_zh": f"{table_zh(t.get('table_no')) if t.get('table_no') else ''}“{name_zh}”{status_zh}：{t.get('reason_zh') or ''}",
               "message_en": f"Table {t.get('table_no') or ''} ({name_en}) {status_en}: {t.get('reason_en') or ''}"}


@rule("complete.image_pages", "内容以文字公开", "Content published as text", "warning",
      "公开文件的表格和文字应可复制、可检索；印成图片（无文字层）的页，其内容（如以图片粘贴的表格或绩效目标表）无法读取，"
      "此处列出页码，不作猜测。",
      "A disclosure's tables and text should be machine-readable; a page printed as an image without a text layer (a "
      "table or a performance-targets form pasted as a picture) cannot be read: its page is listed here, nothing is "
      "guessed.",
      needs=[])  # reads the document's own row
def image_pages(doc: Document):
    for page in str(doc.info.get("image_pages") or "").split(","):
        if page.strip():
            yield {"page": int(page), "subject_zh": f"第{page.strip()}页",
                   "message_zh": f"第{page.strip()}页印成图片（无文字层），其内容未读取。",
                   "message_en": f"Page {page.strip()} is printed as an image without a text layer; its content was not read."}
