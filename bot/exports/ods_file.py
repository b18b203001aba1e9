"""The summary workbook as OpenDocument Spreadsheet (.ods), the government's preferred format."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from xml.sax.saxutils import escape

from odfdo import Document, Element, Style

from bot.exports.odf import required, xml_part
from bot.exports.tables import Cell as TableCell
from bot.exports.tables import Sheet, needs_wrap, wrap_limits
from bot.exports.zipped import zip_members

MIMETYPE = "application/vnd.oasis.opendocument.spreadsheet"
_CM_PER_WIDTH_UNIT = 0.21  # one Latin letter of the 10 pt default font, plus a little air
_HEADER_STYLE = "ceh"
_WRAP_STYLE = "cew"
_DATE_STYLE = "ced"
_DATE_FORMAT = "N_iso_date"
_ROW_STYLE = "ro1"
_QUOTE = {'"': "&quot;"}
# The parts an .ods needs; odfdo's template also carries a thumbnail and toolbar settings of
# its own, which say nothing about our data.
_PARTS = ("META-INF/manifest.xml", "styles.xml", "settings.xml", "content.xml")


def _define_styles(document: Document, sheets: Sequence[Sheet]) -> dict[int, str]:
    """Add the cell and column styles; returns the column style name for each width."""
    header = Style("table-cell", name=_HEADER_STYLE)
    # odfdo's bold= sets only the Latin font weight; Chinese headers need the Asian one too.
    header.set_properties(
        {
            "fo:font-weight": "bold",
            "style:font-weight-asian": "bold",
            "style:font-weight-complex": "bold",
        },
        area="text",
    )
    document.insert_style(header, automatic=True)
    wrap = Style("table-cell", name=_WRAP_STYLE)
    wrap.set_properties({"fo:wrap-option": "wrap", "style:vertical-align": "top"})
    document.insert_style(wrap, automatic=True)
    # Dates are date cells shown as yyyy-mm-dd, whatever the reader's locale.
    document.insert_style(
        Element.from_tag(
            f'<number:date-style style:name="{_DATE_FORMAT}">'
            '<number:year number:style="long"/><number:text>-</number:text>'
            '<number:month number:style="long"/><number:text>-</number:text>'
            '<number:day number:style="long"/></number:date-style>'
        ),  # type: ignore[arg-type]
        automatic=True,
    )
    dates = Style("table-cell", name=_DATE_STYLE)
    dates.set_attribute("style:data-style-name", _DATE_FORMAT)
    document.insert_style(dates, automatic=True)
    document.insert_style(
        Style("table-row", name=_ROW_STYLE, use_optimal_height=True), automatic=True
    )
    widths = sorted({width for sheet in sheets for width in sheet.widths})
    names: dict[int, str] = {}
    for index, width in enumerate(widths, start=1):
        names[width] = f"co{index}"
        column = Style(
            "table-column", name=names[width], width=f"{width * _CM_PER_WIDTH_UNIT:.2f}cm"
        )
        document.insert_style(column, automatic=True)
    return names


def _text_runs(line: str) -> str:
    """One line as ODF paragraph content: tabs and runs of spaces spelled out (ODF collapses
    white space otherwise)."""
    out: list[str] = []
    for piece in re.split(r"(\t| {2,}|^ | $)", line):
        if not piece:
            continue
        if piece == "\t":
            out.append("<text:tab/>")
        elif piece.strip(" ") == "":
            count = len(piece)
            out.append(f'<text:s text:c="{count}"/>' if count > 1 else "<text:s/>")
        else:
            out.append(escape(piece))
    return "".join(out)


def _cell_xml(value: TableCell, style: str | None = None) -> str:
    styled = f' table:style-name="{style}"' if style else ""
    if value is None or value == "":
        return "<table:table-cell/>"
    if isinstance(value, int):
        return (
            f'<table:table-cell{styled} office:value-type="float" office:value="{value}">'
            f"<text:p>{value}</text:p></table:table-cell>"
        )
    if isinstance(value, dt.date):
        day = value.isoformat()
        return (
            f'<table:table-cell office:value-type="date" office:date-value="{day}"'
            f' table:style-name="{_DATE_STYLE}"><text:p>{day}</text:p></table:table-cell>'
        )
    paragraphs = "".join(f"<text:p>{_text_runs(line)}</text:p>" for line in value.split("\n"))
    return f'<table:table-cell{styled} office:value-type="string">{paragraphs}</table:table-cell>'


def _table(sheet: Sheet, column_styles: dict[int, str]) -> str:
    parts = [f'<table:table table:name="{escape(sheet.name, _QUOTE)}">']
    parts += [
        f'<table:table-column table:style-name="{column_styles[width]}"'
        ' table:default-cell-style-name="Default"/>'
        for width in sheet.widths
    ]
    # Header rows repeat on every printed page.
    parts.append(f'<table:table-header-rows><table:table-row table:style-name="{_ROW_STYLE}">')
    parts += [_cell_xml(header, _HEADER_STYLE) for header in sheet.headers]
    parts.append("</table:table-row></table:table-header-rows>")
    # Text longer than its capped column wraps inside the cell instead of being cut off.
    limits = wrap_limits(sheet)
    for values in sheet.rows:
        parts.append(f'<table:table-row table:style-name="{_ROW_STYLE}">')
        for index, value in enumerate(values):
            wrap = isinstance(value, str) and needs_wrap(value, limits[index])
            parts.append(_cell_xml(value, _WRAP_STYLE if wrap else None))
        parts.append("</table:table-row>")
    parts.append("</table:table>")
    return "".join(parts)


def _config_item(name: str, kind: str, value: object) -> Element:
    item = Element.from_tag("config:config-item")
    item.set_attribute("config:name", name)
    item.set_attribute("config:type", kind)
    item.text = str(value)
    return item


def _freeze_header_rows(document: Document, sheets: Sequence[Sheet]) -> None:
    """View settings that freeze the header row of every sheet, so it stays while scrolling."""
    settings = xml_part(document, "settings.xml")
    view = required(settings, '//config:config-item-map-indexed[@config:name="Views"]')
    entry = required(view, "config:config-item-map-entry")
    tables = required(entry, 'config:config-item-map-named[@config:name="Tables"]')
    tables.clear()
    tables.set_attribute("config:name", "Tables")
    for sheet in sheets:
        table = Element.from_tag("config:config-item-map-entry")
        table.set_attribute("config:name", sheet.name)
        for name, kind, value in (
            ("HorizontalSplitMode", "short", 0),
            ("VerticalSplitMode", "short", 2),
            ("HorizontalSplitPosition", "int", 0),
            ("VerticalSplitPosition", "int", 1),
            ("ActiveSplitRange", "short", 2),
            ("PositionLeft", "int", 0),
            ("PositionRight", "int", 0),
            ("PositionTop", "int", 0),
            ("PositionBottom", "int", 1),
        ):
            table.append(_config_item(name, kind, value))
        tables.append(table)
    active = entry.get_element('config:config-item[@config:name="ActiveTable"]')
    if active is not None:
        active.text = sheets[0].name


def _print_on_a4_landscape(document: Document) -> None:
    """Every sheet prints on A4 landscape, one page wide (rows run on to further pages)."""
    styles = xml_part(document, "styles.xml")
    for properties in styles.get_elements("//style:page-layout/style:page-layout-properties"):
        properties.set_attribute("fo:page-width", "29.7cm")
        properties.set_attribute("fo:page-height", "21cm")
        properties.set_attribute("style:print-orientation", "landscape")
        properties.set_attribute("style:scale-to-X", "1")


# Where the tables go in content.xml: odfdo writes the document around this placeholder.
_PLACEHOLDER = '<table:table table:name="tables-go-here"/>'


def write_ods(sheets: Sequence[Sheet]) -> bytes:
    """The sheets as the bytes of an .ods file."""
    document = Document("spreadsheet")
    body = document.body
    body.clear()
    column_styles = _define_styles(document, sheets)
    _print_on_a4_landscape(document)
    body.append(Element.from_tag(_PLACEHOLDER))
    _freeze_header_rows(document, sheets)
    manifest = document.manifest
    for path in manifest.get_paths():
        if path not in ("/", *_PARTS):
            manifest.del_full_path(path)
    # The tables are written as markup into odfdo's serialised content.xml: built cell by cell
    # through odfdo's objects, a year of 1,000 communities took 108 s (most of it lxml moving
    # each cell into the document); this way it takes about a second. odfdo still makes the
    # package, the styles, the view settings and the manifest.
    content = xml_part(document, "content.xml").serialize()
    tables = "".join(_table(sheet, column_styles) for sheet in sheets).encode("utf-8")
    if content.count(_PLACEHOLDER.encode()) != 1:
        raise RuntimeError("odfdo serialised content.xml in an unexpected way")
    content = content.replace(_PLACEHOLDER.encode(), tables)
    # Packed here rather than by odfdo's save, with a fixed timestamp and without the template's
    # thumbnail and metadata, so the same data gives the same bytes. The mimetype comes first
    # and uncompressed, so tools can sniff the type.
    return zip_members(
        [
            ("mimetype", MIMETYPE.encode("ascii"), False),
            *(
                (
                    name,
                    content if name == "content.xml" else xml_part(document, name).serialize(),
                    True,
                )
                for name in _PARTS
            ),
        ]
    )
