"""``kpi:`` resolution: what the catalogue fills in, what it leaves alone, and E016."""

from __future__ import annotations

import datetime as dt
import textwrap

import pytest

from goaltree import catalog
from goaltree.goalfile import load_text
from goaltree.model import GoalFile

HEAD = """\
goaltree: 1
id: t
title: Catalogue test
owner: Marketing
period: {start: 2027-01-01, end: 2027-12-31}
nodes:
"""


def load(nodes: str):
    """Load a goal file made of HEAD and the given (dedented) node block."""
    text = HEAD + textwrap.indent(textwrap.dedent(nodes).strip("\n"), "  ") + "\n"
    return load_text(text, "goals.yaml")


def errors(result) -> list:
    return [d for d in result.diagnostics if d.severity == "error"]


def test_kpi_fills_formula_unit_direction_aggregate_and_description() -> None:
    result = load(
        """
        roas:
          title: Search ads return 4 SEK per SEK spent in 2027
          kpi: roas
          target: 4
        ad_revenue: {title: Ad revenue reaches 2 MSEK in 2027, unit: SEK}
        ad_spend: {title: Ad spend stays within 500 kSEK in 2027, unit: SEK}
        """
    )
    assert result.diagnostics == []
    node = result.goal_file.nodes["roas"]
    entry = catalog.get("roas")
    assert node.formula == "ad_revenue / ad_spend"
    assert node.unit == "multiple"
    assert node.direction == "increase"
    assert node.aggregate == "last"
    assert node.description == entry.definition
    assert node.target == 4  # what the node said is kept


def test_inputs_rewrite_the_formula_over_the_mapped_node_ids() -> None:
    result = load(
        """
        cac:
          title: A new customer costs at most 90 000 SEK in 2027
          kpi: cac
          inputs: {acquisition_cost: marketing_cost, new_customers: customers}
        marketing_cost: {title: Marketing spends 6.3 MSEK, unit: SEK}
        customers: {title: We win 70 customers, unit: count}
        """
    )
    assert result.diagnostics == []
    assert result.goal_file.nodes["cac"].formula == "marketing_cost / customers"
    assert result.goal_file.nodes["cac"].direction == "decrease"


def test_partial_inputs_keep_the_other_input_names() -> None:
    result = load(
        """
        roi:
          title: Marketing returns nine times its cost in 2027
          kpi: roi
          inputs: {revenue: new_revenue}
        """
    )
    assert result.goal_file.nodes["roi"].formula == "(new_revenue - marketing_cost) / marketing_cost"


def test_rewriting_replaces_whole_names_only() -> None:
    assert catalog.rewrite_formula("leads / visits", {"leads": "web_leads"}) == "web_leads / visits"
    assert catalog.rewrite_formula("sql / mql", {"sql": "sqls", "mql": "mqls"}) == "sqls / mqls"
    assert catalog.rewrite_formula("acquisition_cost / sales_value * 100", {"sales_value": "sales"}) == (
        "acquisition_cost / sales * 100"
    )
    assert catalog.rewrite_formula("max(a, 1e5) * a_b", {"a": "x", "e5": "no"}) == "max(x, 1e5) * a_b"


def test_fields_the_node_sets_win() -> None:
    result = load(
        """
        clv:
          title: A customer is worth 1 MEUR over four years
          type: driver
          kpi: clv
          unit: EUR
          description: Our own wording.
          aggregate: mean
          formula: avg_order * lifetime_years
        avg_order: {title: An order is worth 250 kEUR, type: driver, unit: EUR, target: 250000}
        lifetime_years: {title: Customers stay four years, type: driver, unit: years, target: 4}
        """
    )
    node = result.goal_file.nodes["clv"]
    assert (node.unit, node.description, node.aggregate, node.formula) == (
        "EUR",
        "Our own wording.",
        "mean",
        "avg_order * lifetime_years",
    )
    assert node.direction == "increase"  # not set, so from the catalogue


def test_an_explicit_direction_is_kept_even_when_it_is_the_default() -> None:
    result = load(
        """
        cpa:
          title: A conversion costs 1 200 SEK, held steady in 2027
          kpi: cpa
          direction: increase
        """
    )
    assert result.goal_file.nodes["cpa"].direction == "increase"


def test_formula_null_takes_the_definition_without_the_formula() -> None:
    result = load(
        """
        mql_to_sql:
          title: Sales accepts 30 % of MQLs by December 2027
          kpi: mql_to_sql
          formula: null
          target: 0.3
          actuals: {2027-01-31: 0.21}
        """
    )
    assert result.diagnostics == []
    node = result.goal_file.nodes["mql_to_sql"]
    assert node.formula is None
    assert node.unit == "ratio" and node.aggregate == "last"


def test_a_numeric_rollup_keeps_the_node_free_of_a_formula() -> None:
    result = load(
        """
        cac:
          title: Blended CAC stays under 90 000 SEK in 2027
          kpi: cac
          rollup: mean
        cac_web: {title: CAC on the web stays under 80 000 SEK, parent: cac, unit: SEK, target: 80000}
        """
    )
    node = result.goal_file.nodes["cac"]
    assert node.formula is None
    assert node.unit == "SEK"


def test_counted_kpis_get_no_formula() -> None:
    result = load(
        """
        mql:
          title: 1 500 MQLs in 2027
          kpi: mql
          target: 1500
        """
    )
    node = result.goal_file.nodes["mql"]
    assert node.formula is None
    assert (node.unit, node.aggregate) == ("count", "sum")


def test_unknown_kpi_is_e016_with_did_you_mean_at_the_kpi_field() -> None:
    result = load(
        """
        ads:
          title: Ads return 4 SEK per SEK in 2027
          kpi: rosa
        """
    )
    [diagnostic] = result.diagnostics
    assert diagnostic.code == "E016"
    assert diagnostic.severity == "error"
    assert diagnostic.node == "ads"
    assert diagnostic.path == ("nodes", "ads", "kpi")
    assert "did you mean 'roas'" in diagnostic.message
    # located on the value of `kpi:` (line 9, after the 6-line head and the node's 2 lines)
    assert (diagnostic.file, diagnostic.line, diagnostic.column) == ("goals.yaml", 9, 10)


def test_unknown_kpi_without_a_close_name_lists_where_to_look() -> None:
    result = load(
        """
        nps:
          title: NPS reaches 40 in 2027
          kpi: net_promoter_score
        """
    )
    [diagnostic] = result.diagnostics
    assert "did you mean" not in diagnostic.message
    assert "goaltree catalog" in diagnostic.message


def test_unknown_input_name_is_e016_with_did_you_mean() -> None:
    result = load(
        """
        roas:
          title: Ads return 4 SEK per SEK in 2027
          kpi: roas
          inputs: {ad_spnd: spend}
        """
    )
    [diagnostic] = errors(result)
    assert diagnostic.code == "E016"
    assert diagnostic.path == ("nodes", "roas", "inputs", "ad_spnd")
    assert "did you mean 'ad_spend'" in diagnostic.message
    assert result.goal_file.nodes["roas"].formula is None  # nothing half-filled


def test_input_mapped_to_something_that_is_not_an_id_is_e016() -> None:
    result = load(
        """
        roas:
          title: Ads return 4 SEK per SEK in 2027
          kpi: roas
          inputs: {ad_spend: "spend * 2"}
        """
    )
    [diagnostic] = errors(result)
    assert diagnostic.code == "E016" and "node id" in diagnostic.message


def test_inputs_without_kpi_is_e016() -> None:
    result = load(
        """
        roas:
          title: Ads return 4 SEK per SEK in 2027
          inputs: {ad_spend: spend}
        """
    )
    [diagnostic] = errors(result)
    assert diagnostic.code == "E016"
    assert diagnostic.path == ("nodes", "roas", "inputs")


def test_inputs_on_a_counted_kpi_say_it_has_none() -> None:
    result = load(
        """
        mql:
          title: 1 500 MQLs in 2027
          kpi: mql
          inputs: {leads: leads}
        """
    )
    [diagnostic] = errors(result)
    assert "counted directly" in diagnostic.message


def test_kpi_names_are_normalised() -> None:
    result = load(
        """
        cac_share:
          title: Acquisition costs at most 10 % of sales in 2027
          kpi: CAC %
        """
    )
    assert result.diagnostics == []
    assert result.goal_file.nodes["cac_share"].unit == "%"


def test_a_missing_input_node_is_left_to_the_graph_check() -> None:
    from goaltree.graph import build

    result = load(
        """
        roas:
          title: Ads return 4 SEK per SEK in 2027
          kpi: roas
          inputs: {ad_revenue: revenue}
        revenue: {title: Revenue reaches 2 MSEK, unit: SEK}
        """
    )
    assert result.diagnostics == []
    _, diagnostics = build(result.goal_file, None, result)
    messages = [d.message for d in diagnostics if d.code == "E004"]
    assert any("'ad_spend'" in message for message in messages)


def test_resolve_returns_a_new_frozen_file_and_leaves_the_old_one_alone() -> None:
    goal_file = GoalFile.model_validate(
        {
            "goaltree": 1,
            "id": "t",
            "title": "T",
            "period": {"start": dt.date(2027, 1, 1), "end": dt.date(2027, 12, 31)},
            "nodes": {
                "clv": {"title": "CLV is 900 000 SEK", "kpi": "clv"},
                "leads": {"title": "5 000 leads", "unit": "count"},
            },
        }
    )
    resolved, diagnostics = catalog.resolve(goal_file)
    assert diagnostics == []
    assert resolved is not goal_file
    assert goal_file.nodes["clv"].formula is None
    assert resolved.nodes["clv"].formula == "avg_order * orders_per_year * lifetime_years"
    assert list(resolved.nodes) == ["clv", "leads"]
    assert resolved.nodes["leads"] is goal_file.nodes["leads"]
    with pytest.raises(Exception):
        resolved.nodes["clv"].formula = "x"  # frozen


def test_resolve_returns_the_same_object_when_no_node_names_a_kpi() -> None:
    nodes = {f"n{index}": {"title": f"Node {index}", "unit": "count"} for index in range(100_000)}
    goal_file = GoalFile.model_validate(
        {"goaltree": 1, "id": "big", "title": "Big", "period": {"start": "2027-01-01", "end": "2027-12-31"}, "nodes": nodes}
    )
    resolved, diagnostics = catalog.resolve(goal_file)
    assert resolved is goal_file and diagnostics == []


def test_importing_the_catalogue_does_not_load_the_registry() -> None:
    import subprocess
    import sys

    code = "import sys, goaltree.goalfile; assert 'goaltree.catalog.registry' not in sys.modules; print('ok')"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=False)
    assert done.stdout.strip() == "ok", done.stderr


def test_an_engine_derives_targets_through_a_catalogue_kpi(tmp_path) -> None:
    from goaltree import api

    path = tmp_path / "goals.yaml"
    path.write_text(
        HEAD
        + textwrap.indent(
            textwrap.dedent(
                """
                revenue:
                  title: New customers are worth 63 MSEK over their lifetime
                  unit: SEK
                  target: 63000000
                  formula: customers * clv
                customers: {title: We win the customers the revenue needs, unit: count}
                clv: {title: A customer is worth 900 000 SEK, type: driver, kpi: clv}
                avg_order: {title: An order is worth 100 000 SEK, type: driver, unit: SEK, target: 100000}
                orders_per_year: {title: Three orders a year, type: driver, unit: count, target: 3}
                lifetime_years: {title: Customers stay three years, type: driver, unit: years, target: 3}
                """
            ).strip("\n"),
            "  ",
        )
        + "\n",
        encoding="utf-8",
    )
    evaluation = api.evaluate(path, dt.date(2027, 6, 30))
    assert evaluation.nodes["clv"].target == pytest.approx(900_000)
    assert evaluation.nodes["customers"].target == pytest.approx(70)
