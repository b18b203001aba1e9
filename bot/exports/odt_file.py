"""The 社群運作紀錄 as an OpenDocument Text file (.odt), the government's preferred format."""

from __future__ import annotations

import hashlib
import io
from collections.abc import Sequence

from odf import teletype  # type: ignore[import-untyped]
from odf.draw import Frame  # type: ignore[import-untyped]
from odf.draw import Image as DrawImage
from odf.opendocument import OpenDocumentText  # type: ignore[import-untyped]
from odf.style import (  # type: ignore[import-untyped]
    FontFace,
    GraphicProperties,
    MasterPage,
    PageLayout,
    PageLayoutProperties,
    ParagraphProperties,
    Style,
    TableCellProperties,
    TableColumnProperties,
    TableProperties,
    TextProperties,
)
from odf.table import Table, TableCell, TableColumn, TableRow  # type: ignore[import-untyped]
from odf.text import H, P, Span  # type: ignore[import-untyped]

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
    Paragraph,
    Picture,
    Title,
)


def _bold() -> TextProperties:
    return TextProperties(fontweight="bold", fontweightasian="bold", fontweightcomplex="bold")


class _OdtWriter:
    """Holds the styles of one document while its blocks are added."""

    def __init__(self) -> None:
        self.doc = OpenDocumentText()
        self._column_styles: dict[str, Style] = {}
        self._pictures: dict[str, str] = {}
        self._tables = 0
        self._define_styles()

    def _define_styles(self) -> None:
        doc = self.doc
        doc.fontfacedecls.addElement(
            FontFace(name=CJK_FONT, fontfamily=CJK_FONT, fontfamilygeneric="roman")
        )
        self.standard = Style(name="Standard", family="paragraph")
        self.standard.addElement(
            TextProperties(fontsize="12pt", fontsizeasian="12pt", fontnameasian=CJK_FONT)
        )
        self.standard.addElement(ParagraphProperties(marginbottom="0.1cm"))
        doc.styles.addElement(self.standard)

        def paragraph_style(name: str, shown: str, size: str, **layout: str) -> Style:
            style = Style(
                name=name, displayname=shown, family="paragraph", parentstylename="Standard"
            )
            style.addElement(_bold())
            style.addElement(TextProperties(fontsize=size, fontsizeasian=size))
            style.addElement(ParagraphProperties(keepwithnext="always", **layout))
            doc.styles.addElement(style)
            return style

        self.title = paragraph_style(
            "Title", "Title", "18pt", textalign="center", marginbottom="0.5cm"
        )
        self.heading1 = paragraph_style("Heading_20_1", "Heading 1", "14pt", margintop="0.5cm")
        self.heading2 = paragraph_style("Heading_20_2", "Heading 2", "12pt", margintop="0.4cm")
        self.cell_text = Style(name="CellText", family="paragraph", parentstylename="Standard")
        self.cell_text.addElement(ParagraphProperties(marginbottom="0cm"))
        doc.styles.addElement(self.cell_text)
        self.cell_bold = Style(name="CellBold", family="paragraph", parentstylename="CellText")
        self.cell_bold.addElement(_bold())
        doc.styles.addElement(self.cell_bold)
        self.centered = Style(name="Centered", family="paragraph", parentstylename="Standard")
        self.centered.addElement(ParagraphProperties(textalign="center"))
        doc.styles.addElement(self.centered)
        self.strong = Style(name="Strong", family="text")
        self.strong.addElement(_bold())
        doc.styles.addElement(self.strong)

        self.table_style = Style(name="Grid", family="table")
        self.table_style.addElement(
            TableProperties(width=f"{TEXT_WIDTH_CM}cm", align="margins", marginbottom="0.3cm")
        )
        doc.automaticstyles.addElement(self.table_style)
        self.cell_style = Style(name="GridCell", family="table-cell")
        self.cell_style.addElement(
            TableCellProperties(border="0.5pt solid #000000", padding="0.1cm")
        )
        doc.automaticstyles.addElement(self.cell_style)
        self.frame_style = Style(name="Photo", family="graphic")
        self.frame_style.addElement(GraphicProperties(wrap="none", verticalpos="top"))
        doc.automaticstyles.addElement(self.frame_style)

        layout = PageLayout(name="A4")
        layout.addElement(
            PageLayoutProperties(
                pagewidth=f"{PAGE_WIDTH_CM}cm",
                pageheight=f"{PAGE_HEIGHT_CM}cm",
                printorientation="portrait",
                margin=f"{MARGIN_CM}cm",
            )
        )
        doc.automaticstyles.addElement(layout)
        doc.masterstyles.addElement(MasterPage(name="Standard", pagelayoutname=layout))

    def _column_style(self, share: float) -> Style:
        width = f"{TEXT_WIDTH_CM * share:.2f}cm"
        if width not in self._column_styles:
            style = Style(name=f"GridColumn{len(self._column_styles) + 1}", family="table-column")
            style.addElement(
                TableColumnProperties(columnwidth=width, relcolumnwidth=f"{round(share * 10000)}*")
            )
            self.doc.automaticstyles.addElement(style)
            self._column_styles[width] = style
        return self._column_styles[width]

    def paragraph(self, style: Style, text: str) -> P:
        """A paragraph whose line breaks, tabs and runs of spaces survive."""
        paragraph = P(stylename=style)
        teletype.addTextToElement(paragraph, text)
        return paragraph

    def add(self, block: Block) -> None:
        """Append one block to the document body."""
        text = self.doc.text
        match block:
            case Title(text=value):
                text.addElement(self.paragraph(self.title, value))
            case Heading(text=value, level=level):
                style = self.heading1 if level == 1 else self.heading2
                heading = H(outlinelevel=level, stylename=style)
                teletype.addTextToElement(heading, value)
                text.addElement(heading)
            case Paragraph(text=value, label=label):
                paragraph = P(stylename=self.standard)
                if label:
                    paragraph.addElement(Span(stylename=self.strong, text=label))
                teletype.addTextToElement(paragraph, value)
                text.addElement(paragraph)
            case Grid():
                text.addElement(self._grid(block))
            case Picture():
                text.addElement(self._picture(block))
            case MissingPhotos(count=count, template=template):
                text.addElement(self.paragraph(self.cell_text, template.format(count=count)))

    def _grid(self, grid: Grid) -> Table:
        self._tables += 1
        table = Table(name=f"Table{self._tables}", stylename=self.table_style)
        total = sum(grid.widths)
        for share in grid.widths:
            table.addElement(TableColumn(stylename=self._column_style(share / total)))
        rows = [grid.header, *grid.rows] if grid.header else list(grid.rows)
        for row_index, values in enumerate(rows):
            row = TableRow()
            for column, value in enumerate(values):
                bold = (grid.header is not None and row_index == 0) or (
                    grid.header is None and column == 0
                )
                cell = TableCell(stylename=self.cell_style, valuetype="string")
                cell.addElement(self.paragraph(self.cell_bold if bold else self.cell_text, value))
                row.addElement(cell)
            table.addElement(row)
        return table

    def _picture(self, picture: Picture) -> P:
        image = picture.image
        digest = hashlib.sha1(image.data).hexdigest()  # a file name, not a signature
        # The same photo logged twice is stored once.
        href = self._pictures.get(digest)
        if href is None:
            href = self.doc.addPicture(
                f"Pictures/{digest}.{image.extension}", image.mime, image.data
            )
            self._pictures[digest] = href
        frame = Frame(
            stylename=self.frame_style,
            anchortype="as-char",
            width=f"{picture.width_cm:.2f}cm",
            height=f"{picture.height_cm:.2f}cm",
        )
        frame.addElement(DrawImage(href=href))
        paragraph = P(stylename=self.centered)
        paragraph.addElement(frame)
        return paragraph

    def to_bytes(self) -> bytes:
        """The finished document as .odt bytes."""
        buffer = io.BytesIO()
        self.doc.write(buffer)
        return buffer.getvalue()


def write_odt(blocks: Sequence[Block]) -> bytes:
    """The blocks as the bytes of an .odt file."""
    writer = _OdtWriter()
    for block in blocks:
        writer.add(block)
    return writer.to_bytes()
