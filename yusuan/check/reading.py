"""Reading: pages printed as images. A table read in part or not at all is said beside the data (the tables
resource: status and reason), never as a finding: findings are about the document, not our reading of it."""

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
