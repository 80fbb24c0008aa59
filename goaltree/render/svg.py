"""Graphviz's SVG made fit to sit inline in an HTML page.

The SVG is ours (every label escaped in :mod:`goaltree.render.dot`), but it is
still parsed and rebuilt from an allow-list before it goes into a report: no
XML declaration, doctype or comments, no element outside plain drawing, no
event handler attribute, and links only to anchors inside the page.
"""

from __future__ import annotations

import xml.etree.ElementTree as ElementTree

SVG_NS = "http://www.w3.org/2000/svg"
XLINK_NS = "http://www.w3.org/1999/xlink"

ALLOWED_ELEMENTS = frozenset(
    {"svg", "g", "title", "desc", "polygon", "polyline", "path", "ellipse", "circle", "rect", "line", "text", "tspan", "a", "defs", "linearGradient", "radialGradient", "stop"}
)
_HREF = (f"{{{XLINK_NS}}}href", "href")


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def inline_svg(svg: str) -> str:
    """The SVG document as an element to paste into HTML: sanitized, deterministic.

    Raises:
        ValueError: ``svg`` is not well-formed XML.
    """
    # SVG as the default namespace and the usual xlink prefix, instead of "ns0:svg".
    ElementTree.register_namespace("", SVG_NS)
    ElementTree.register_namespace("xlink", XLINK_NS)
    root = ElementTree.fromstring(svg.encode("utf-8"))
    if _local(root.tag) != "svg":
        raise ValueError("not an SVG document")
    _clean(root)
    root.set("class", "diagram-svg")
    root.set("role", "img")
    return ElementTree.tostring(root, encoding="unicode")


def _clean(element: ElementTree.Element) -> None:
    for child in list(element):
        if not isinstance(child.tag, str) or _local(child.tag) not in ALLOWED_ELEMENTS:
            element.remove(child)
            continue
        _clean(child)
    for name in list(element.attrib):
        local = _local(name).lower()
        value = element.attrib[name]
        if local.startswith("on") or local == "style" and "url(" in value.replace(" ", "").lower():
            del element.attrib[name]
        elif name in _HREF and not value.startswith("#"):
            del element.attrib[name]
