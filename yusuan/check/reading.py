"""Reading: pages printed as images, and blank pages. A table read in part or not at all is said beside the data
(the tables resource: status and reason), never as a finding: findings are about the document, not our reading of
it."""

from __future__ import annotations

from .engine import Document, rule, table_zh
from .locate import kind_en, kind_zh


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


@rule("complete.blank_pages", "空白页", "A blank page inside the document", "warning",
      "公开文件中间的空白页（没有任何文字或图片，如目录后或两张表之间）多为排版或转换时漏掉了内容（表格、说明）；"
      "文件末尾的空白页不计。",
      "A blank page inside a disclosure (nothing printed on it, after the contents or between two tables) usually "
      "means content was lost in layout or conversion; blank pages at the end of the file are not counted.",
      needs=[])  # reads the document's own row
def blank_pages(doc: Document):
    blank = sorted(int(p) for p in str(doc.info.get("blank_pages") or "").split(",") if p.strip())
    printed = {r.get("page") for rows in doc.rows.values() for r in rows if isinstance(r, dict)} - {None}
    last = max((p for p in printed if isinstance(p, int)), default=0)
    for page in blank:
        if page > last:
            continue   # blank pages closing the file (a back cover left blank)
        yield {"page": page, "subject_zh": f"第{page}页",
               "message_zh": f"第{page}页为空白页（没有文字或图片），其前后各页有内容：是否漏印了表格或说明？",
               "message_en": f"Page {page} prints nothing (no text, no picture) while the pages around it do: was a "
                             f"table or a text left out?"}
