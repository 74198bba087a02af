"""The pledge as a Word document (.docx), for offices that review drafts on paper.

In the spirit of the document template: A4, the margins of Nghị định 30/2020,
Times New Roman 13–14 pt, the two-column heading, numbered commitments, one
signature block per member unit.
"""

import io
import re

from docx import Document
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.shared import Cm, Mm, Pt

from core.templatetags.vn import document_date

FONT = "Times New Roman"
# XML 1.0 refuses these: one pasted into a stored text would make the download a 500.
XML_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def _paragraph(container, text="", *, bold=False, italic=False, size=13, align=None, indent=False, space_after=6):
    paragraph = container.add_paragraph()
    if text:
        run = paragraph.add_run(XML_ILLEGAL.sub("", text))
        run.bold, run.italic, run.font.size, run.font.name = bold, italic, Pt(size), FONT
    if align is not None:
        paragraph.alignment = align
    paragraph.paragraph_format.space_after = Pt(space_after)
    if indent:
        paragraph.paragraph_format.first_line_indent = Cm(1.27)
    return paragraph


def render_docx(pledge, items, rows) -> bytes:
    """Return the .docx of *pledge*, its *items* and its signature *rows* (as on the document page)."""
    document = Document()
    style = document.styles["Normal"]
    style.font.name, style.font.size = FONT, Pt(13)
    section = document.sections[0]
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.top_margin, section.bottom_margin = Mm(20), Mm(20)
    section.left_margin, section.right_margin = Mm(30), Mm(15)

    heading = document.add_table(rows=1, cols=2)
    heading.alignment = WD_TABLE_ALIGNMENT.CENTER
    left, right = heading.rows[0].cells
    left.paragraphs[0].text = ""
    _paragraph(
        left,
        (pledge.issuing_body or pledge.term.bloc.name).upper(),
        bold=True,
        size=12,
        align=WD_ALIGN_PARAGRAPH.CENTER,
    )
    _paragraph(
        right, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", bold=True, size=12, align=WD_ALIGN_PARAGRAPH.CENTER, space_after=0
    )
    _paragraph(right, "Độc lập - Tự do - Hạnh phúc", bold=True, size=13, align=WD_ALIGN_PARAGRAPH.CENTER)
    _paragraph(
        right, f"{pledge.place}, {document_date(pledge.signing_date)}", italic=True, align=WD_ALIGN_PARAGRAPH.CENTER
    )

    _paragraph(document, pledge.title.upper(), bold=True, size=14, align=WD_ALIGN_PARAGRAPH.CENTER, space_after=0)
    _paragraph(document, pledge.bloc_name or pledge.term.bloc.name, bold=True, align=WD_ALIGN_PARAGRAPH.CENTER)
    for ground in pledge.grounds():
        _paragraph(document, ground, italic=True, indent=True)
    for line in pledge.introduction.splitlines():
        if line.strip():
            _paragraph(document, line, indent=True, align=WD_ALIGN_PARAGRAPH.JUSTIFY)
    for number, item in enumerate(items, start=1):
        _paragraph(document, f"{number}. {item.text}", indent=True, align=WD_ALIGN_PARAGRAPH.JUSTIFY)
    if pledge.implementation:
        _paragraph(document, "Tổ chức thực hiện", bold=True)
        for line in pledge.implementation.splitlines():
            if line.strip():
                _paragraph(document, line, indent=True, align=WD_ALIGN_PARAGRAPH.JUSTIFY)
    if pledge.slogan:
        _paragraph(document, pledge.slogan, bold=True, align=WD_ALIGN_PARAGRAPH.CENTER)

    signatures = document.add_table(rows=(len(rows) + 1) // 2, cols=2)
    for index, row in enumerate(rows):
        cell = signatures.rows[index // 2].cells[index % 2]
        cell.paragraphs[0].text = ""
        signature = row["signature"]
        unit = (signature.unit_name if signature else row["signer"].unit_name).upper()
        _paragraph(cell, unit, bold=True, align=WD_ALIGN_PARAGRAPH.CENTER, space_after=0)
        if signature:
            _paragraph(cell, signature.capacity, bold=True, align=WD_ALIGN_PARAGRAPH.CENTER, space_after=0)
            if signature.capacity_title:
                _paragraph(cell, signature.capacity_title, bold=True, align=WD_ALIGN_PARAGRAPH.CENTER, space_after=0)
            _paragraph(cell, "(đã ký)", italic=True, size=11, align=WD_ALIGN_PARAGRAPH.CENTER, space_after=24)
            _paragraph(cell, signature.signer_name, bold=True, align=WD_ALIGN_PARAGRAPH.CENTER)
        else:
            _paragraph(
                cell, row["signer"].head_title.upper(), bold=True, align=WD_ALIGN_PARAGRAPH.CENTER, space_after=48
            )
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()
