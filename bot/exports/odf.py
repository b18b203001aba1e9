"""Typed access to the parts of an odfdo document that the writers adjust."""

from __future__ import annotations

from odfdo import Document, Element, XmlPart


def xml_part(document: Document, name: str) -> XmlPart:
    """One of the package's XML parts (content.xml, styles.xml, settings.xml)."""
    part = document.get_part(name)
    if not isinstance(part, XmlPart):
        raise RuntimeError(f"odfdo's template has no XML part {name}")
    return part


def required(parent: XmlPart | Element, xpath: str) -> Element:
    """The element at ``xpath``, which odfdo's template always has."""
    found = parent.get_element(xpath)
    if found is None:
        raise RuntimeError(f"odfdo's template has no {xpath}")
    return found
