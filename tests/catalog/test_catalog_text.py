"""What ``goaltree catalog`` prints, and the generated reference ``docs/catalog.md``."""

from __future__ import annotations

from pathlib import Path

import pytest

from goaltree import catalog
from goaltree.errors import GoaltreeError

ROOT = Path(__file__).resolve().parents[2]


def test_listing_names_every_kpi_once_with_its_formula() -> None:
    text = catalog.format_catalog()
    for entry in catalog.entries():
        lines = [line for line in text.splitlines() if line.split() and line.split()[0] == entry.id]
        assert len(lines) == 1, entry.id
        assert (entry.formula or "counted from a source") in lines[0]
        assert f"[{entry.unit}]" in lines[0]


def test_one_kpi_explained() -> None:
    text = catalog.format_catalog("clv")
    assert text.startswith("clv — Customer lifetime value (CLV)\n")
    for fragment in (
        "avg_order * orders_per_year * lifetime_years",
        "avg_order (SEK, aggregate last)",
        "unit       SEK",
        "direction  increase",
        "aggregate  last",
        "avg_order = 100 000, orders_per_year = 3, lifetime_years = 3 → 900 000",
        "kpi: clv",
        "Note: ",
    ):
        assert fragment in text, fragment


def test_a_counted_kpi_is_explained_with_a_metric_snippet() -> None:
    text = catalog.format_catalog("mql")
    assert "none: counted directly from a source" in text
    assert "metric:" in text


def test_roas_explains_the_inverted_definition() -> None:
    text = " ".join(catalog.format_catalog("ROAS").split())
    assert "ad_revenue / ad_spend" in text
    assert "spend divided by revenue" in text


def test_unknown_kpi_is_a_usage_error_with_a_suggestion() -> None:
    with pytest.raises(GoaltreeError, match="did you mean 'clv'"):
        catalog.format_catalog("clvv")


def test_usage_snippets_load_once_filled_in() -> None:
    """The snippet `goaltree catalog ID` prints is a valid node once its placeholders are filled."""
    from goaltree.catalog.text import usage_yaml
    from goaltree.goalfile import load_text

    for entry in catalog.entries():
        snippet = (
            usage_yaml(entry)
            .replace("<target>", "a target")
            .replace("<date>", "December")
            .replace("<number>", "1")
            .replace("<source>", "crm")
            .replace("<filter>", "stage = 'won'")
        )
        for name in entry.input_names:
            snippet = snippet.replace(f"{name}: <node id>", f"{name}: my_{name}")
        text = (
            "goaltree: 1\nid: t\ntitle: T\nperiod: {start: 2027-01-01, end: 2027-12-31}\n"
            "sources: {crm: {type: csv, path: deals.csv, date_column: close_date}}\n" + snippet + "\n"
        )
        result = load_text(text, "goals.yaml")
        assert result.diagnostics == [], (entry.id, [d.format() for d in result.diagnostics])
        node = result.goal_file.nodes[entry.id]
        if entry.formula:
            assert all(f"my_{name}" in node.formula for name in entry.input_names)


def test_docs_catalog_md_is_generated_from_the_registry_and_fresh() -> None:
    path = ROOT / "docs" / "catalog.md"
    assert path.read_text(encoding="utf-8") == catalog.catalog_markdown(), (
        "docs/catalog.md is stale; regenerate it with: python scripts/generate_examples.py --only docs"
    )


def test_the_reference_covers_every_kpi_field() -> None:
    text = catalog.catalog_markdown()
    assert text.startswith("<!-- Generated from goaltree/catalog/registry.py")
    for entry in catalog.entries():
        section = text.split(f"\n### {entry.id}\n", 1)[1].split("\n### ", 1)[0]
        assert entry.definition in section
        assert f"**Unit:** {entry.unit}" in section
        assert f"**Direction:** {entry.direction}" in section
        assert f"**Aggregate:** {entry.aggregate}" in section
        if entry.formula:
            assert f"`{entry.formula}`" in section
            for item in entry.inputs:
                assert f"`{item.name}`" in section
        if entry.note:
            assert entry.note in section
