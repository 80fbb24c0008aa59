"""goaltree: a business strategy as a version-controlled, executable KPI tree.

The library first, the command line second::

    import goaltree
    tree = goaltree.load("goals.yaml")
    result = goaltree.evaluate(tree, as_of=datetime.date(2027, 6, 30))
    result.nodes["revenue"].status

Heavy modules (engine, sources, rendering) load on first use, so that
``goaltree check`` on a small file starts instantly.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"
__all__ = ["load", "evaluate", "check", "__version__"]

if TYPE_CHECKING:
    from goaltree.api import check, evaluate, load


def __getattr__(name: str) -> Any:
    if name in ("load", "evaluate", "check"):
        from goaltree import api

        return getattr(api, name)
    raise AttributeError(f"module 'goaltree' has no attribute {name!r}")
