"""Diagrams of an evaluated goal tree: Graphviz (svg, png, pdf, dot) and Mermaid.

The renderers read only :class:`goaltree.engine.results.Evaluation`; they never
evaluate anything themselves. ``graphviz`` is imported inside the functions
that need it, so importing this package costs nothing.

- :func:`goaltree.render.dot.to_dot` — the DOT source (deterministic, byte for byte).
- :func:`goaltree.render.dot.render_svg` — the SVG text, for reports and benchmarks.
- :func:`goaltree.render.dot.render` — svg, png, pdf or dot as bytes.
- :func:`goaltree.render.mermaid.to_mermaid` — a Mermaid flowchart for code hosting sites.
"""

from __future__ import annotations

from goaltree.render.dot import render, render_svg, to_dot
from goaltree.render.mermaid import to_mermaid
from goaltree.render.select import Selection, select

__all__ = ["Selection", "render", "render_svg", "select", "to_dot", "to_mermaid"]
