"""The 社群運作紀錄 as an OpenDocument Text file (.odt), the government's preferred format.

Written with odfdo, the same maintained library as the .ods workbook.
"""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Sequence
from typing import Any

from odfdo import Cell, Column, Document, Frame, Header, Row, Span, Style, Table
from odfdo import Paragraph as OdfParagraph

from bot.exports.document import (
    CJK_FONT,
    MARGIN_CM,
    PAGE_HEIGHT_CM,
    PAGE_WIDTH_CM,
    TEXT_WIDTH_CM,
    Block,
    Grid,
    Heading,
    MissingPhotos,
    PageBreak,
    Paragraph,
    Picture,
    Title,
)
from bot.exports.odf import xml_part

# odfdo's bold= sets only the Latin font weight; Chinese text needs the Asian one too.
_BOLD = {
    "fo:font-weight": "bold",
    "style:font-weight-asian": "bold",
    "style:font-weight-complex": "bold",
}
_PAGE_LAYOUT = "A4"


class _OdtWriter:
    """Holds the styles of one document while its blocks are added."""

    def __init__(self) -> None:
        self.doc = Document("text")
        self.body = self.doc.body
        self.body.clear()
        self._column_styles: dict[str, str] = {}
        self._tables = 0
        self._define_styles()

    def _style(
        self,
        family: str,
        name: str,
        *,
        automatic: bool = False,
        text: dict[str, str] | None = None,
        paragraph: dict[str, str] | None = None,
        **kwargs: Any,  # Style's own options (display_name, parent_style, …)
    ) -> str:
        style = Style(family, name=name, **kwargs)
        if text:
            style.set_properties(text, area="text")
        if paragraph:
            style.set_properties(paragraph, area="paragraph")
        self.doc.insert_style(style, automatic=automatic)
        return name

    def _define_styles(self) -> None:
        self.doc.insert_style(
            Style(
                "font-face",
                name=CJK_FONT,
                font_name=CJK_FONT,
                font_family=CJK_FONT,
                font_family_generic="roman",
            )
        )
        self.standard = self._style(
            "paragraph",
            "Standard",
            text={
                "fo:font-size": "12pt",
                "style:font-size-asian": "12pt",
                "style:font-name-asian": CJK_FONT,
            },
            paragraph={"fo:margin-bottom": "0.1cm"},
        )

        def heading(name: str, shown: str, size: str, **layout: str) -> str:
            return self._style(
                "paragraph",
                name,
                display_name=shown,
                parent_style="Standard",
                text={**_BOLD, "fo:font-size": size, "style:font-size-asian": size},
                paragraph={"fo:keep-with-next": "always", **layout},
            )

        self.title = heading(
            "Title", "Title", "18pt", **{"fo:text-align": "center", "fo:margin-bottom": "0.5cm"}
        )
        self.above_title = heading(
            "Subtitle",
            "Subtitle",
            "13pt",
            **{"fo:text-align": "center", "fo:margin-bottom": "0.2cm"},
        )
        self.page_break = self._style(
            "paragraph",
            "PageBreak",
            automatic=True,
            parent_style="Standard",
            paragraph={"fo:break-before": "page", "fo:margin-bottom": "0cm"},
        )
        self.heading1 = heading("Heading_20_1", "Heading 1", "14pt", **{"fo:margin-top": "0.5cm"})
        self.heading2 = heading("Heading_20_2", "Heading 2", "12pt", **{"fo:margin-top": "0.4cm"})
        self.cell_text = self._style(
            "paragraph", "CellText", parent_style="Standard", paragraph={"fo:margin-bottom": "0cm"}
        )
        self.cell_bold = self._style("paragraph", "CellBold", parent_style="CellText", text=_BOLD)
        self.centered = self._style(
            "paragraph", "Centered", parent_style="Standard", paragraph={"fo:text-align": "center"}
        )
        self.strong = self._style("text", "Strong", text=_BOLD)

        table = Style("table", name="Grid")
        table.set_properties(
            {
                "style:width": f"{TEXT_WIDTH_CM}cm",
                "table:align": "margins",
                "fo:margin-bottom": "0.3cm",
            }
        )
        self.doc.insert_style(table, automatic=True)
        self.table_style = "Grid"
        cell = Style("table-cell", name="GridCell")
        cell.set_properties({"fo:border": "0.5pt solid #000000", "fo:padding": "0.1cm"})
        self.doc.insert_style(cell, automatic=True)
        self.cell_style = "GridCell"
        frame = Style("graphic", name="Photo")
        frame.set_properties({"style:wrap": "none", "style:vertical-pos": "top"})
        self.doc.insert_style(frame, automatic=True)
        self.frame_style = "Photo"

        layout = Style("page-layout", name=_PAGE_LAYOUT)
        layout.set_properties(
            {
                "fo:page-width": f"{PAGE_WIDTH_CM}cm",
                "fo:page-height": f"{PAGE_HEIGHT_CM}cm",
                "style:print-orientation": "portrait",
                "fo:margin": f"{MARGIN_CM}cm",
            }
        )
        self.doc.insert_style(layout, automatic=True)
        master = self.doc.get_style("master-page", "Standard")
        if master is None:
            master = Style("master-page", name="Standard")
            self.doc.insert_style(master)
        master.set_attribute("style:page-layout-name", _PAGE_LAYOUT)
        # odfdo's template numbers headings (1., 2.1.1.); the record's headings carry their own.
        styles = xml_part(self.doc, "styles.xml")
        for level in styles.get_elements("//text:outline-style/text:outline-level-style"):
            level.set_attribute("style:num-format", "")
            for name in ("style:num-suffix", "loext:num-list-format"):
                level.del_attribute(name)

    def _column_style(self, share: float) -> str:
        width = f"{TEXT_WIDTH_CM * share:.2f}cm"
        if width not in self._column_styles:
            name = f"GridColumn{len(self._column_styles) + 1}"
            style = Style("table-column", name=name)
            style.set_properties(
                {"style:column-width": width, "style:rel-column-width": f"{round(share * 10000)}*"}
            )
            self.doc.insert_style(style, automatic=True)
            self._column_styles[width] = name
        return self._column_styles[width]

    def paragraph(self, style: str, text: str) -> OdfParagraph:
        """A paragraph whose line breaks, tabs and runs of spaces survive (odfdo spells them)."""
        return OdfParagraph(text, style=style)

    def add(self, block: Block) -> None:
        """Append one block to the document body."""
        body = self.body
        match block:
            case Title(text=value, above=above, language=language):
                if above:
                    body.append(self.paragraph(self.above_title, above))
                body.append(self.paragraph(self.title, value))
                self.doc.meta.title = f"{above} {value}" if above else value
                self.doc.meta.language = language
                self.doc.meta.creation_date = dt.datetime.now(dt.UTC).replace(microsecond=0)
            case PageBreak():
                body.append(OdfParagraph(style=self.page_break))
            case Heading(text=value, level=level):
                header = Header(level, value)
                # odfdo 3.27's Header drops its style argument; set it on the element.
                header.style = self.heading1 if level == 1 else self.heading2
                body.append(header)
            case Paragraph(text=value, label=label):
                paragraph = OdfParagraph(style=self.standard)
                if label:
                    paragraph.append(Span(label, style=self.strong))
                paragraph.append_plain_text(value)
                body.append(paragraph)
            case Grid():
                body.append(self._grid(block))
            case Picture():
                body.append(self._picture(block))
            case MissingPhotos(count=count, template=template):
                body.append(self.paragraph(self.cell_text, template.format(count=count)))

    def _grid(self, grid: Grid) -> Table:
        self._tables += 1
        table = Table(f"Table{self._tables}", style=self.table_style)
        total = sum(grid.widths)
        for share in grid.widths:
            table.append(Column(style=self._column_style(share / total)))
        rows = [grid.header, *grid.rows] if grid.header else list(grid.rows)
        tall = self._row_style(grid.row_height_cm) if grid.row_height_cm else None
        for row_index, values in enumerate(rows):
            is_header = grid.header is not None and row_index == 0
            row = Row(style=tall) if tall and not is_header else Row()
            for column, value in enumerate(values):
                bold = (grid.header is not None and row_index == 0) or (
                    grid.header is None and column == 0
                )
                cell = Cell(style=self.cell_style)
                cell.type = "string"
                cell.append(self.paragraph(self.cell_bold if bold else self.cell_text, value))
                row.append(cell)
            table.append(row)
        return table

    def _row_style(self, height_cm: float) -> str:
        name = f"TallRow{height_cm:g}".replace(".", "_")
        if self.doc.get_style("table-row", name) is None:
            style = Style("table-row", name=name)
            style.set_properties({"style:min-row-height": f"{height_cm}cm"})
            self.doc.insert_style(style, automatic=True)
        return name

    def _picture(self, picture: Picture) -> OdfParagraph:
        # odfdo names the stored part by a hash of its bytes, so a photo logged twice is
        # stored once.
        href = self.doc.add_file(io.BytesIO(picture.image.data))
        frame = Frame.image_frame(
            href,
            style=self.frame_style,
            anchor_type="as-char",
            size=(f"{picture.width_cm:.2f}cm", f"{picture.height_cm:.2f}cm"),
        )
        paragraph = OdfParagraph(style=self.centered)
        paragraph.append(frame)
        return paragraph

    def to_bytes(self) -> bytes:
        """The finished document as .odt bytes."""
        buffer = io.BytesIO()
        self.doc.save(buffer)
        return buffer.getvalue()


def write_odt(blocks: Sequence[Block]) -> bytes:
    """The blocks as the bytes of an .odt file."""
    writer = _OdtWriter()
    for block in blocks:
        writer.add(block)
    return writer.to_bytes()
