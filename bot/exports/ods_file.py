"""The summary workbook as OpenDocument Spreadsheet (.ods), the government's preferred format."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from odfdo import Cell, Column, Document, Element, HeaderRows, Paragraph, Row, Style, Table

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


def _cell(value: TableCell, style: str | None = None) -> Cell:
    if value is None or value == "":
        return Cell()
    if isinstance(value, int):
        return Cell(value)
    if isinstance(value, dt.date):
        return Cell(value, cell_type="date", style=_DATE_STYLE)
    cell = Cell(style=style)
    cell.type = "string"
    # One paragraph per line; odfdo spells out runs of spaces and tabs, which ODF would collapse.
    for line in value.split("\n"):
        cell.append(Paragraph(line))
    return cell


def _table(sheet: Sheet, column_styles: dict[int, str]) -> Table:
    table = Table(sheet.name)
    for width in sheet.widths:
        table.append(Column(style=column_styles[width], default_cell_style="Default"))
    # Header rows repeat on every printed page.
    headers = HeaderRows()
    header_row = Row(style=_ROW_STYLE)
    for header in sheet.headers:
        header_row.append(_cell(header, _HEADER_STYLE))
    headers.append(header_row)
    table.append(headers)
    # Text longer than its capped column wraps inside the cell instead of being cut off.
    limits = wrap_limits(sheet)
    for values in sheet.rows:
        row = Row(style=_ROW_STYLE)
        for index, value in enumerate(values):
            wrap = isinstance(value, str) and needs_wrap(value, limits[index])
            row.append(_cell(value, _WRAP_STYLE if wrap else None))
        table.append(row)
    return table


def _config_item(name: str, kind: str, value: object) -> Element:
    item = Element.from_tag("config:config-item")
    item.set_attribute("config:name", name)
    item.set_attribute("config:type", kind)
    item.text = str(value)
    return item


def _freeze_header_rows(document: Document, sheets: Sequence[Sheet]) -> None:
    """View settings that freeze the header row of every sheet, so it stays while scrolling."""
    settings = document.get_part("settings.xml")
    view = settings.get_element('//config:config-item-map-indexed[@config:name="Views"]')
    entry = view.get_element("config:config-item-map-entry")
    tables = entry.get_element('config:config-item-map-named[@config:name="Tables"]')
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
    styles = document.get_part("styles.xml")
    for properties in styles.get_elements("//style:page-layout/style:page-layout-properties"):
        properties.set_attribute("fo:page-width", "29.7cm")
        properties.set_attribute("fo:page-height", "21cm")
        properties.set_attribute("style:print-orientation", "landscape")
        properties.set_attribute("style:scale-to-X", "1")


def write_ods(sheets: Sequence[Sheet]) -> bytes:
    """The sheets as the bytes of an .ods file."""
    document = Document("spreadsheet")
    body = document.body
    body.clear()
    column_styles = _define_styles(document, sheets)
    _print_on_a4_landscape(document)
    for sheet in sheets:
        body.append(_table(sheet, column_styles))
    _freeze_header_rows(document, sheets)
    manifest = document.manifest
    for path in manifest.get_paths():
        if path not in ("/", *_PARTS):
            manifest.del_full_path(path)
    # Packed here rather than by odfdo's save, with a fixed timestamp and without the template's
    # thumbnail and metadata, so the same data gives the same bytes. The mimetype comes first
    # and uncompressed, so tools can sniff the type.
    return zip_members(
        [
            ("mimetype", MIMETYPE.encode("ascii"), False),
            *((name, document.get_part(name).serialize(), True) for name in _PARTS),
        ]
    )
