"""A002's three messages, their figures worked out by hand from the check-ins."""

from __future__ import annotations

import json

from goaltree.rules import check_file


def _a002(write_goals, nodes: dict) -> dict[str, str]:
    document = {"goaltree": 1, "id": "pace", "title": "Pace", "period": {"start": "2027-01-01", "end": "2027-12-31"}, "nodes": nodes}
    path = write_goals(json.dumps(document), "goals.json")
    return {d.node: d.message for d in check_file(path) if d.code == "A002"}


def test_a_flow_that_needs_more_than_twice_its_pace(write_goals):
    found = _a002(write_goals, {"leads": {"title": "Leads from the website", "unit": "count", "target": 5000,
                                          "actuals": {"2027-03-31": 400, "2027-06-30": 450}}})
    # 850 in the 181 days to 30 June: 4.70 a day; 4 150 to go in the 184 days left: 22.55 a day, 4.8 times as fast.
    message = found["leads"]
    assert "5 000" in message and "184 days" in message and "4.8×" in message and "850 by" in message


def test_a_flat_level_and_a_level_going_the_wrong_way(write_goals):
    found = _a002(write_goals, {
        "followers": {"title": "LinkedIn followers", "unit": "count", "aggregate": "last", "baseline": 10000,
                      "target": 20000, "actuals": {"2027-03-31": 10000, "2027-06-30": 10000}},
        "cost_per_lead": {"title": "Cost per lead", "unit": "SEK", "aggregate": "last", "direction": "decrease",
                          "baseline": 500, "target": 400, "actuals": {"2027-03-31": 520, "2027-06-30": 540}},
        "on_pace": {"title": "Leads from events", "unit": "count", "target": 2000,
                    "actuals": {"2027-03-31": 400, "2027-06-30": 450}},
    })
    assert sorted(found) == ["cost_per_lead", "followers"]  # 1 150 to go at 6.25 a day against 4.70: within 2x
    assert "is flat" in found["followers"] and "10 000 on" in found["followers"]
    assert "going the other way" in found["cost_per_lead"] and "540 on" in found["cost_per_lead"]


def test_a001_on_a_change_beyond_float_range_says_how_far_instead_of_crashing(write_goals):
    # 5e-324 against a baseline of 1e308: the fall is 1e308 / 5e-324 (4.94e-324 as a float) = 2.0e+631,
    # which no float holds. A001 once divided by the underflowed factor (ZeroDivisionError, E099).
    document = {"goaltree": 1, "id": "far", "title": "Far", "period": {"start": "2027-01-01", "end": "2027-12-31"},
                "owner": "Me", "nodes": {"a": {"title": "Revenue", "unit": "SEK", "baseline": 1e308, "target": 5e-324},
                                          "b": {"title": "Revenue", "unit": "SEK", "baseline": 5e-324, "target": 1e308}}}
    path = write_goals(json.dumps(document), "goals.json")
    found = {d.node: d for d in check_file(path) if d.code in ("A001", "E099")}
    assert {node: d.code for node, d in found.items()} == {"a": "A001", "b": "A001"}
    assert "is 1/2.0e+631 of the baseline" in found["a"].message
    assert "is 2.0e+631× the baseline" in found["b"].message and "(+2.0e+633 %)" in found["b"].message
