"""``goaltree catalog [KPI]``: the standard marketing KPIs a node can name with ``kpi:``."""

from __future__ import annotations

import argparse


def run(args: argparse.Namespace) -> int:
    from goaltree import catalog

    print(catalog.format_catalog(args.kpi))
    return 0
