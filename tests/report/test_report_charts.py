"""Pace charts: target line, expected pace through milestones, cumulative actuals, forecast, ticks."""

from __future__ import annotations

import datetime as dt

from report_helpers import funnel, objectives, objectives_tree  # noqa: F401 (pytest fixtures)

from goaltree.report.charts import HEIGHT, LEFT, WIDTH, axis_label, expected_points, nice_ticks, pace_chart, series_of


def points(path: str) -> list[tuple[float, float]]:
    return [tuple(float(v) for v in pair.split(",")) for pair in path.split()]


def test_flows_are_drawn_cumulative_from_zero(funnel):
    customers = funnel.nodes["customers"]
    assert series_of(customers, funnel.period_start, funnel.as_of) == [(dt.date(2027, 3, 31), 14.0), (dt.date(2027, 6, 30), 30.0)]
    chart = pace_chart(customers, funnel)
    drawn = points(chart["actual"])
    assert drawn[0][0] == LEFT  # the period's start, at zero
    assert len(chart["observations"]) == 2
    assert chart["target"]["label"] == "target 70 (derived)"
    assert chart["forecast"]["label"] == "forecast 59.76"
    assert chart["now"]["value"] == "30"


def test_levels_are_drawn_as_observed_with_milestones(objectives):
    awareness = objectives.nodes["awareness"]
    assert expected_points(awareness, objectives.period_start) == [(0, 30), (90, 32), (181, 35), (365, 40)]
    chart = pace_chart(awareness, objectives)
    assert [m["label"] for m in chart["milestones"]] == ["2027-03-31: 32.00 %", "2027-06-30: 35.00 %"]
    assert len(points(chart["expected"])) == 4
    assert chart["flow"] is False


def test_maintain_range_band(objectives_tree):
    tree, evaluation = objectives_tree
    chart = pace_chart(evaluation.nodes["nps"], evaluation, (30.0, 50.0))
    assert chart["range"]["label"] == "range 30 – 50"
    assert chart["range"]["top"] < chart["range"]["bottom"]
    assert chart["target"] is None


def test_everything_stays_inside_the_chart(funnel, objectives):
    for evaluation in (funnel, objectives):
        for result in evaluation.nodes.values():
            chart = pace_chart(result, evaluation)
            if chart is None:
                continue
            ys = [t["y"] for t in chart["y_ticks"]] + [p["y"] for p in chart["observations"]]
            xs = [t["x"] for t in chart["x_ticks"]] + [p["x"] for p in chart["observations"]]
            assert all(0 <= y <= HEIGHT for y in ys)
            assert all(LEFT <= x <= WIDTH for x in xs)


def test_no_chart_without_target_or_data(objectives):
    assert pace_chart(objectives.nodes["growth"], objectives) is None


def test_nice_ticks_and_labels():
    assert nice_ticks(0, 63_000_000) == [0, 20_000_000, 40_000_000, 60_000_000, 80_000_000]
    assert nice_ticks(0, 1) == [0, 0.25, 0.5, 0.75, 1]
    # A tiny span keeps distinct ticks: rounded to 12 places, each of these was 0.
    assert nice_ticks(0, 5.2e-16) == [0, 2e-16, 4e-16, 6e-16]
    assert nice_ticks(3e-14, 9e-14) == [2e-14, 4e-14, 6e-14, 8e-14, 1e-13]
    assert axis_label(60_000_000, "SEK") == "60 M"
    assert axis_label(250_000, "count") == "250 k"
    assert axis_label(0.014, "ratio") == "1.4 %"


def test_a_report_of_values_near_the_float_limits_is_written(tmp_path):
    from goaltree.cli import main

    goals = tmp_path / "goals.yaml"
    goals.write_text(
        """\
goaltree: 1
id: t
title: T 500 SEK
period: {start: 2027-01-01, end: 2027-12-31}
owner: Me
nodes:
  a: {title: 500 SEK a, unit: SEK, target: 5e-324, formula: b * c, baseline: 1e308}
  b: {title: 5 SEK b, unit: SEK, baseline: 5e-324, actuals: {2027-01-05: 1e308}}
  c: {title: 5 c, unit: ratio, type: driver, baseline: 1e308, actuals: {2027-02-05: 5e-324}}
""",
        encoding="utf-8",
    )
    report = tmp_path / "report.html"
    # a's actual is 1e308 × 5e-324, about 4.9e-16: its chart's axis once had no height (ZeroDivisionError).
    assert main(["report", str(goals), "--as-of", "2027-06-30", "-o", str(report)]) == 0
    assert "500 SEK a" in report.read_text(encoding="utf-8")
