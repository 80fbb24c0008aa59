"""Rollover's output: the new goal file's YAML layout, its header comments, and JSON.

Split from :mod:`goaltree.revisions.rollover`, which describes the rules.
"""

from __future__ import annotations

import datetime as dt
import math
from typing import Any

from goaltree.jsontext import json_text


def header_comments(text: str) -> list[str]:
    """The comment lines (and blank lines between them) at the top of a goal file."""
    lines = []
    for line in text.splitlines():
        if line.startswith("#") or (not line.strip() and lines):
            lines.append(line.rstrip())
        else:
            break
    while lines and not lines[-1].strip():
        lines.pop()
    return lines


def _short_flow(value: Any) -> Any:
    """A mapping of a few plain values goes on one line, as goal files are usually written."""
    if isinstance(value, dict) and not isinstance(value, _Flow) and value and len(value) <= 5:
        if all(isinstance(item, (str, int, float, bool, dt.date)) or item is None for item in value.values()):
            if sum(len(str(key)) + len(str(item)) + 4 for key, item in value.items()) <= 90:
                return _Flow(value)
    return value


class _Flow(dict):
    """A mapping written on one line: ``{start: 2027-07-01, end: 2027-09-30}``."""


class _FlowList(list):
    """A list written on one line: ``[0.018, 0.02]``."""


def dump_yaml(document: dict[str, Any]) -> str:
    """YAML with a stable, readable layout: keys in the order given, short mappings on one line."""
    import yaml

    class Dumper(yaml.SafeDumper):
        def ignore_aliases(self, data: Any) -> bool:
            return True

    def flow_mapping(dumper: yaml.SafeDumper, data: dict) -> Any:
        return dumper.represent_mapping("tag:yaml.org,2002:map", data.items(), flow_style=True)

    def flow_list(dumper: yaml.SafeDumper, data: list) -> Any:
        return dumper.represent_sequence("tag:yaml.org,2002:seq", data, flow_style=True)

    def plain_float(dumper: yaml.SafeDumper, data: float) -> Any:
        if math.isfinite(data) and data.is_integer() and abs(data) < 2**53:
            return dumper.represent_int(int(data))
        return dumper.represent_scalar("tag:yaml.org,2002:float", repr(float(f"{data:.12g}")))

    def text(dumper: yaml.SafeDumper, data: str) -> Any:
        if "\n" in data:
            return dumper.represent_scalar("tag:yaml.org,2002:str", data, style="|")
        return dumper.represent_str(data)

    Dumper.add_representer(_Flow, flow_mapping)
    Dumper.add_representer(_FlowList, flow_list)
    Dumper.add_representer(float, plain_float)
    Dumper.add_representer(str, text)
    return yaml.dump(
        document, Dumper=Dumper, sort_keys=False, allow_unicode=True, default_flow_style=False, width=100, indent=2
    )


def to_json_text(document_text: str) -> str:
    """The new file as JSON (for an output named ``*.json``), from its YAML text."""
    import yaml

    data = yaml.safe_load(document_text)

    def convert(value: Any) -> Any:
        if isinstance(value, dict):
            return {(k.isoformat() if isinstance(k, dt.date) else str(k)): convert(v) for k, v in value.items()}
        if isinstance(value, list):
            return [convert(v) for v in value]
        if isinstance(value, dt.date):
            return value.isoformat()
        return value

    return json_text(convert(data))
