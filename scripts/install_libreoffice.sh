#!/bin/sh
# LibreOffice headless, Writer and Calc, for two uses:
#  - yusuan reads .doc/.wps (converted to .docx by Writer) and .xls/.et (converted to .xlsx by Calc);
#  - tests/test_read_pdf_libreoffice.py converts the DOCX fixture to PDF, tests/test_convert.py makes .doc/.xls.
# Debian's libreoffice-writer-nogui and libreoffice-calc-nogui, without recommends; a CJK font so the Chinese
# text keeps its glyphs.
set -e
if ! command -v soffice >/dev/null 2>&1 || ! dpkg -s libreoffice-calc-nogui >/dev/null 2>&1 || ! fc-list 2>/dev/null | grep -qi "CJK"; then
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends libreoffice-writer-nogui libreoffice-calc-nogui fonts-noto-cjk
fi
