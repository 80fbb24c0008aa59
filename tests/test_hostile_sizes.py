"""A goal file's size never makes goaltree hang or run out of memory.

A goal file is untrusted input (a pull request's, checked in CI). Thousands of
bad values in one collection are each reported and located, with work that
grows linearly with their number; a file holding far more values than any goal
file needs is refused with a located error; running out of memory anyway ends
in one line, not a traceback. No test here measures time: each counts the work.
"""

from __future__ import annotations

import datetime as dt

from goaltree.goalfile import blocks, validate
from goaltree.goalfile.loading import load_text

HEADER = (
    "goaltree: 1\nid: big\ntitle: Revenue 100\nperiod: {start: 2027-01-01, end: 2027-12-31}\nowner: o\n"
    "nodes:\n  revenue:\n    title: Revenue 100 SEK\n    unit: SEK\n    target: 100\n"
)
ITEMS = 20_000


def _count_calls(monkeypatch, owner, name: str) -> list[int]:
    calls = [0]
    original = getattr(owner, name)

    def counted(*arguments, **keywords):
        calls[0] += 1
        return original(*arguments, **keywords)

    monkeypatch.setattr(owner, name, counted, raising=False)
    return calls


def test_locating_a_bad_value_in_each_item_of_a_flow_list_reads_the_list_once(monkeypatch):
    # `tags: [0,0,...]`: every item is a bad value. Each diagnostic read the whole list again (N² work).
    text = HEADER + "    tags: [" + "0," * (ITEMS - 1) + "0]\n"
    flow_reads = _count_calls(monkeypatch, blocks.Block, "_flow")
    result = load_text(text, "goals.yaml")
    assert len(result.diagnostics) == ITEMS
    assert flow_reads[0] <= ITEMS + 1  # the list and each of its items, once
    positions = {d.path[-1]: (d.line, d.column) for d in result.diagnostics}
    column = len("    tags: [") + 1
    assert positions[0] == (11, column)
    assert positions[1] == (11, column + 2)
    assert positions[ITEMS - 1] == (11, column + 2 * (ITEMS - 1))


def test_a_bad_value_under_each_date_of_a_flow_mapping_is_named_and_located_in_linear_work(monkeypatch):
    # `actuals: {2027-01-01: x, ...}`: pydantic names each date key by its repr, and finding the key
    # for each error searched the whole mapping (N² reprs), as did locating it (N² reads of the mapping).
    dates = [dt.date(2027, 1, 1) + dt.timedelta(days=i) for i in range(ITEMS)]
    text = HEADER + "    actuals: {" + ", ".join(f"{day}: x" for day in dates) + "}\n"
    flow_reads = _count_calls(monkeypatch, blocks.Block, "_flow")
    reprs = [0]

    def counted_repr(value):
        reprs[0] += 1
        return repr(value)

    monkeypatch.setattr(validate, "repr", counted_repr, raising=False)
    result = load_text(text, "goals.yaml")
    assert len(result.diagnostics) == ITEMS
    assert reprs[0] <= 2 * ITEMS
    assert flow_reads[0] <= 2 * ITEMS + 1  # the mapping, each key and each value, once
    by_day = {d.path[-1]: d for d in result.diagnostics}
    assert set(by_day) == set(dates)
    entry = len("2027-01-01: x, ")
    value = len("    actuals: {2027-01-01: ") + 1
    assert (by_day[dates[0]].line, by_day[dates[0]].column) == (11, value)
    assert (by_day[dates[1]].line, by_day[dates[1]].column) == (11, value + entry)
    assert (by_day[dates[-1]].line, by_day[dates[-1]].column) == (11, value + entry * (ITEMS - 1))
    assert "bad value for '2027-01-02' in node 'revenue' (actuals)" in by_day[dates[1]].message
