"""The 社群運作紀錄 as a Word document (.docx).

python-docx supplies the package, the styles and the image parts; the body is written as
WordprocessingML directly. Its one-call-per-paragraph API looks every style up by scanning all
styles, gives each picture an id by scanning the whole document and hashes every stored photo
again for each new one, which took 17 seconds for a 500-activity record with 1,000 photos;
building each block's XML at once and keeping our own photo index takes about one.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
from collections.abc import Sequence
from xml.sax.saxutils import escape

from docx import Document
from docx.document import Document as DocumentObject
from docx.image.image import Image as DocxImage
from docx.opc.constants import RELATIONSHIP_TYPE
from docx.opc.packuri import PackURI
from docx.oxml import OxmlElement, parse_xml
from docx.oxml.ns import nsdecls, qn
from docx.oxml.shape import CT_Inline
from docx.parts.image import ImagePart
from docx.shared import Cm

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

_TWIPS_PER_CM = 567
_W = nsdecls("w")


def _prepare(document: DocumentObject) -> dict[str, str | None]:
    """Set A4 pages and the CJK font; the style ids the blocks use."""
    section = document.sections[0]
    section.page_width, section.page_height = Cm(PAGE_WIDTH_CM), Cm(PAGE_HEIGHT_CM)
    for side in ("left_margin", "right_margin", "top_margin", "bottom_margin"):
        setattr(section, side, Cm(MARGIN_CM))
    ids: dict[str, str | None] = {}
    for name in ("Normal", "Title", "Heading 1", "Heading 2", "Table Grid"):
        try:
            style = document.styles[name]
        except KeyError:  # a template without it: fall back to plain formatting
            ids[name] = None
            continue
        ids[name] = style.style_id
        if name != "Table Grid":
            fonts = style.element.get_or_add_rPr().get_or_add_rFonts()
            # A theme font would win over the named one, and the template's theme is Japanese.
            fonts.attrib.pop(qn("w:eastAsiaTheme"), None)
            fonts.set(qn("w:eastAsia"), CJK_FONT)
    return ids


def _runs(text: str, *, bold: bool = False) -> str:
    """``text`` as runs, with line breaks and tabs as Word's own elements."""
    props = "<w:rPr><w:b/><w:bCs/></w:rPr>" if bold else ""
    lines = []
    for line in text.split("\n"):
        pieces = (f'<w:t xml:space="preserve">{escape(piece)}</w:t>' for piece in line.split("\t"))
        lines.append("<w:tab/>".join(pieces))
    return f"<w:r>{props}{'<w:br/>'.join(lines)}</w:r>"


def _paragraph(body: str, *, style: str | None = None, center: bool = False) -> str:
    props = (f'<w:pStyle w:val="{style}"/>' if style else "") + (
        '<w:jc w:val="center"/>' if center else ""
    )
    return f"<w:p {_W}>" + (f"<w:pPr>{props}</w:pPr>" if props else "") + f"{body}</w:p>"


def _grid(grid: Grid, style: str | None) -> str:
    total = sum(grid.widths)
    widths = [round(TEXT_WIDTH_CM * _TWIPS_PER_CM * share / total) for share in grid.widths]
    out = [
        f"<w:tbl {_W}><w:tblPr>",
        f'<w:tblStyle w:val="{style}"/>' if style else "",
        f'<w:tblW w:w="{sum(widths)}" w:type="dxa"/><w:tblLayout w:type="fixed"/>',
        '<w:tblLook w:val="0000" w:firstRow="0" w:lastRow="0" w:firstColumn="0"'
        ' w:lastColumn="0" w:noHBand="1" w:noVBand="1"/></w:tblPr><w:tblGrid>',
        *(f'<w:gridCol w:w="{width}"/>' for width in widths),
        "</w:tblGrid>",
    ]
    rows = [grid.header, *grid.rows] if grid.header else list(grid.rows)
    tall = (
        f'<w:trPr><w:trHeight w:val="{round(grid.row_height_cm * _TWIPS_PER_CM)}"'
        ' w:hRule="atLeast"/></w:trPr>'
        if grid.row_height_cm
        else ""
    )
    for index, values in enumerate(rows):
        header = grid.header is not None and index == 0
        # A header row repeats at the top of every page the table runs onto.
        out.append("<w:tr><w:trPr><w:tblHeader/></w:trPr>" if header else f"<w:tr>{tall}")
        for column, value in enumerate(values):
            bold = header or (grid.header is None and column == 0)
            out.append(
                f'<w:tc><w:tcPr><w:tcW w:w="{widths[column]}" w:type="dxa"/></w:tcPr>'
                f"<w:p>{_runs(value, bold=bold)}</w:p></w:tc>"
            )
        out.append("</w:tr>")
    out.append("</w:tbl>")
    return "".join(out)


class _DocxWriter:
    """Appends blocks to one document, in order, before its closing section properties."""

    def __init__(self) -> None:
        self.document = Document()
        self.styles = _prepare(self.document)
        body = self.document.element.body
        self._anchor = body.sectPr
        self._body = body
        # Ids of drawings must be unique; count up from the template's instead of rescanning.
        self._next_shape_id = self.document.part.next_id
        self._photos: dict[str, tuple[str, str]] = {}  # sha1 -> (relationship id, file name)

    def _append(self, xml: str) -> None:
        element = parse_xml(xml)
        if self._anchor is not None:
            self._anchor.addprevious(element)
        else:
            self._body.append(element)

    def add(self, block: Block) -> None:
        """Append one block."""
        match block:
            case Title(text=text, above=above, language=language):
                if above:
                    self._append(_paragraph(_runs(above, bold=True), center=True))
                self._append(_paragraph(_runs(text), style=self.styles["Title"], center=True))
                self._describe(f"{above} {text}" if above else text, language)
            case PageBreak():
                self._append(_paragraph('<w:r><w:br w:type="page"/></w:r>'))
            case Heading(text=text, level=level):
                self._append(_paragraph(_runs(text), style=self.styles[f"Heading {level}"]))
            case Paragraph(text=text, label=label):
                label_run = _runs(label, bold=True) if label else ""
                self._append(_paragraph(label_run + _runs(text)))
            case Grid():
                self._append(_grid(block, self.styles["Table Grid"]))
                # Word merges tables that touch, and a table needs air before the next block.
                self._append(_paragraph(""))
            case Picture():
                self._picture(block)
            case MissingPhotos(count=count, template=template):
                self._append(_paragraph(_runs(template.format(count=count))))

    def _describe(self, title: str, language: str) -> None:
        """The file's own properties: its title and today, not python-docx's template of 2013."""
        properties = self.document.core_properties
        now = dt.datetime.now(dt.UTC).replace(microsecond=0)
        properties.title = title
        properties.author = ""
        properties.last_modified_by = ""
        properties.comments = ""
        properties.language = language
        properties.created = now
        properties.modified = now
        properties.revision = 1

    def _image_part(self, data: bytes) -> tuple[str, str]:
        """The relationship id and file name of a stored photo; the same photo is stored once."""
        digest = hashlib.sha1(data).hexdigest()  # a file name, not a signature
        known = self._photos.get(digest)
        if known is not None:
            return known
        image = DocxImage.from_blob(_with_jfif_header(data))
        partname = PackURI(f"/word/media/photo{len(self._photos) + 1}.{image.ext}")
        part = ImagePart.from_image(image, partname)
        rid = self.document.part.relate_to(part, RELATIONSHIP_TYPE.IMAGE)
        self._photos[digest] = (rid, image.filename)
        return rid, image.filename

    def _picture(self, picture: Picture) -> None:
        try:
            rid, filename = self._image_part(picture.image.data)
        except Exception:  # any photo Word's reader rejects is listed instead, never fatal
            self._append(_paragraph(_runs(picture.fallback)))
            return
        inline = CT_Inline.new_pic_inline(
            self._next_shape_id, rid, filename, Cm(picture.width_cm), Cm(picture.height_cm)
        )
        self._next_shape_id += 1
        drawing = OxmlElement("w:drawing")
        drawing.append(inline)
        paragraph = parse_xml(_paragraph("<w:r/>", center=True))
        paragraph[-1].append(drawing)
        if self._anchor is not None:
            self._anchor.addprevious(paragraph)
        else:
            self._body.append(paragraph)

    def to_bytes(self) -> bytes:
        """The finished document as .docx bytes."""
        buffer = io.BytesIO()
        self.document.save(buffer)
        return buffer.getvalue()


# SOI, then an APP0 "JFIF" segment: version 1.1, no density units, 1:1, no thumbnail.
_JFIF_APP0 = bytes.fromhex("ffe000104a46494600010100000100010000")


def _with_jfif_header(data: bytes) -> bytes:
    """A JPEG as Word's reader (python-docx) takes it: a valid JPEG without a JFIF or Exif
    header (some cameras and converters write none) gets a plain JFIF one, else it is refused."""
    if data[:2] == b"\xff\xd8" and data[2:4] not in (b"\xff\xe0", b"\xff\xe1"):
        return data[:2] + _JFIF_APP0 + data[2:]
    return data


def write_docx(blocks: Sequence[Block]) -> bytes:
    """The blocks as the bytes of a .docx file."""
    writer = _DocxWriter()
    for block in blocks:
        writer.add(block)
    return writer.to_bytes()
