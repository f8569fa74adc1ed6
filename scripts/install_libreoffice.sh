#!/bin/sh
# LibreOffice headless (Writer only) for tests/test_read_pdf_docx.py: converts the DOCX fixture to PDF.
# Debian's libreoffice-writer-nogui, without recommends; a CJK font so the Chinese text keeps its glyphs.
set -e
if ! command -v libreoffice >/dev/null 2>&1 || ! fc-list 2>/dev/null | grep -qi "CJK"; then
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends libreoffice-writer-nogui fonts-noto-cjk
fi
