"""The summary workbook as OpenDocument Spreadsheet (.ods), the government's preferred format.

The XML is written by hand rather than through odfpy: odfpy builds and validates one Python
object per cell, which takes tens of seconds for a year of activities, while a spreadsheet
needs only a handful of element kinds that are easy to write correctly.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from xml.sax.saxutils import escape, quoteattr

from bot.exports.tables import Sheet, needs_wrap, wrap_limits
from bot.exports.zipped import zip_members

MIMETYPE = "application/vnd.oasis.opendocument.spreadsheet"
_CM_PER_WIDTH_UNIT = 0.21  # one Latin letter of the 10 pt default font, plus a little air

_NS = (
    'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
    'xmlns:style="urn:oasis:names:tc:opendocument:xmlns:style:1.0" '
    'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" '
    'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
    'xmlns:fo="urn:oasis:names:tc:opendocument:xmlns:xsl-fo-compatible:1.0" '
    'xmlns:config="urn:oasis:names:tc:opendocument:xmlns:config:1.0" '
    'office:version="1.2"'
)
_BOLD = (
    '<style:text-properties fo:font-weight="bold" style:font-weight-asian="bold" '
    'style:font-weight-complex="bold"/>'
)
_SPACE_RUN = re.compile(r"^ +| {2,}|\t")


def _spaces(match: re.Match[str]) -> str:
    run = match.group()
    if run == "\t":
        return "<text:tab/>"
    # ODF collapses white space in text like HTML; runs of spaces must be spelled out.
    lead = 0 if match.start() == 0 else 1
    count = len(run) - lead
    return " " * lead + (f'<text:s text:c="{count}"/>' if count > 1 else "<text:s/>")


def _paragraphs(text: str) -> str:
    """``text`` as one <text:p> per line, with spaces and tabs preserved."""
    parts = []
    for line in text.split("\n"):
        body = escape(line)
        if "  " in body or "\t" in body or body.startswith(" "):
            body = _SPACE_RUN.sub(_spaces, body)
        parts.append(f"<text:p>{body}</text:p>")
    return "".join(parts)


def _styles_xml() -> bytes:
    return (
        '<?xml version="1.0" encoding="UTF-8"?>'
        f"<office:document-styles {_NS}><office:styles>"
        '<style:default-style style:family="table-cell"/>'
        '<style:style style:name="Default" style:family="table-cell"/>'
        "</office:styles></office:document-styles>"
    ).encode()


def _settings_xml(sheets: Sequence[Sheet]) -> bytes:
    """View settings that freeze the header row of every sheet, so it stays while scrolling."""

    def item(name: str, kind: str, value: object) -> str:
        return (
            f'<config:config-item config:name="{name}" config:type="{kind}">'
            f"{value}</config:config-item>"
        )

    tables = "".join(
        f"<config:config-item-map-entry config:name={quoteattr(sheet.name)}>"
        + item("HorizontalSplitMode", "short", 0)
        + item("VerticalSplitMode", "short", 2)
        + item("HorizontalSplitPosition", "int", 0)
        + item("VerticalSplitPosition", "int", 1)
        + item("ActiveSplitRange", "short", 2)
        + item("PositionLeft", "int", 0)
        + item("PositionRight", "int", 0)
        + item("PositionTop", "int", 0)
        + item("PositionBottom", "int", 1)
        + "</config:config-item-map-entry>"
        for sheet in sheets
    )
    return (
        '<?xml version="1.0" encoding="UTF-8"?>'
        f"<office:document-settings {_NS}><office:settings>"
        '<config:config-item-set config:name="ooo:view-settings">'
        '<config:config-item-map-indexed config:name="Views"><config:config-item-map-entry>'
        + item("ViewId", "string", "view1")
        + f'<config:config-item-map-named config:name="Tables">{tables}'
        "</config:config-item-map-named>"
        + item("ActiveTable", "string", escape(sheets[0].name))
        + "</config:config-item-map-entry></config:config-item-map-indexed>"
        "</config:config-item-set></office:settings></office:document-settings>"
    ).encode()


def _manifest_xml() -> bytes:
    entries = "".join(
        f'<manifest:file-entry manifest:full-path="{path}" manifest:media-type="text/xml"/>'
        for path in ("content.xml", "styles.xml", "settings.xml")
    )
    return (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0"'
        ' manifest:version="1.2">'
        f'<manifest:file-entry manifest:full-path="/" manifest:version="1.2"'
        f' manifest:media-type="{MIMETYPE}"/>{entries}</manifest:manifest>'
    ).encode()


def _content_xml(sheets: Sequence[Sheet]) -> bytes:
    widths = sorted({width for sheet in sheets for width in sheet.widths})
    column_style = {width: f"co{index}" for index, width in enumerate(widths, start=1)}
    out: list[str] = [
        '<?xml version="1.0" encoding="UTF-8"?>',
        f"<office:document-content {_NS}><office:automatic-styles>",
    ]
    for width, name in column_style.items():
        out.append(
            f'<style:style style:name="{name}" style:family="table-column">'
            f'<style:table-column-properties fo:break-before="auto" '
            f'style:column-width="{width * _CM_PER_WIDTH_UNIT:.2f}cm"/></style:style>'
        )
    out.append(
        '<style:style style:name="ta1" style:family="table">'
        '<style:table-properties table:display="true" style:writing-mode="lr-tb"/></style:style>'
        '<style:style style:name="ro1" style:family="table-row">'
        '<style:table-row-properties style:use-optimal-row-height="true"/></style:style>'
        f'<style:style style:name="ceh" style:family="table-cell" '
        f'style:parent-style-name="Default">{_BOLD}</style:style>'
        '<style:style style:name="cew" style:family="table-cell" style:parent-style-name="Default">'
        '<style:table-cell-properties fo:wrap-option="wrap" style:vertical-align="top"/>'
        "</style:style>"
        "</office:automatic-styles><office:body><office:spreadsheet>"
    )
    for sheet in sheets:
        out.append(f'<table:table table:name={quoteattr(sheet.name)} table:style-name="ta1">')
        for width in sheet.widths:
            out.append(
                f'<table:table-column table:style-name="{column_style[width]}" '
                'table:default-cell-style-name="Default"/>'
            )
        # Header rows repeat on every printed page.
        out.append('<table:table-header-rows><table:table-row table:style-name="ro1">')
        for header in sheet.headers:
            out.append(
                '<table:table-cell table:style-name="ceh" office:value-type="string">'
                f"{_paragraphs(header)}</table:table-cell>"
            )
        out.append("</table:table-row></table:table-header-rows>")
        # Text longer than its capped column wraps inside the cell instead of being cut off.
        limits = wrap_limits(sheet)
        for row in sheet.rows:
            out.append('<table:table-row table:style-name="ro1">')
            for index, value in enumerate(row):
                if value is None or value == "":
                    out.append("<table:table-cell/>")
                elif isinstance(value, int):
                    out.append(
                        f'<table:table-cell office:value-type="float" office:value="{value}">'
                        f"<text:p>{value}</text:p></table:table-cell>"
                    )
                else:
                    wrap = needs_wrap(value, limits[index])
                    style = ' table:style-name="cew"' if wrap else ""
                    out.append(
                        f'<table:table-cell{style} office:value-type="string">'
                        f"{_paragraphs(value)}</table:table-cell>"
                    )
            out.append("</table:table-row>")
        out.append("</table:table>")
    out.append("</office:spreadsheet></office:body></office:document-content>")
    return "".join(out).encode("utf-8")


def write_ods(sheets: Sequence[Sheet]) -> bytes:
    """The sheets as the bytes of an .ods file."""
    return zip_members(
        [
            # The mimetype must come first and uncompressed, so that tools can sniff the type.
            ("mimetype", MIMETYPE.encode("ascii"), False),
            ("META-INF/manifest.xml", _manifest_xml(), True),
            ("styles.xml", _styles_xml(), True),
            ("settings.xml", _settings_xml(sheets), True),
            ("content.xml", _content_xml(sheets), True),
        ]
    )
