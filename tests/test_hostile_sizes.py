"""A goal file's size never makes goaltree hang or run out of memory.

A goal file is untrusted input (a pull request's, checked in CI). Thousands of
bad values in one collection are each reported and located, with work that
grows linearly with their number; a file holding far more values than any goal
file needs is refused with a located error; running out of memory anyway ends
in one line, not a traceback. No test here measures time: each counts the work.
"""

from __future__ import annotations

import datetime as dt
import importlib.util
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from goaltree.cli import main
from goaltree.errors import GoaltreeError
from goaltree.goalfile import blocks, limits, loading, parse, read, validate
from goaltree.goalfile.loading import load_text
from goaltree.revisions import git

ROOT = Path(__file__).resolve().parent.parent

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


# -- values: a file holding far more than a goal file needs is refused where it passes the bound ----


@pytest.fixture
def bound(monkeypatch):
    """:data:`~goaltree.goalfile.limits.MAX_VALUES` lowered to 1 000, so that a small file passes it."""
    monkeypatch.setattr(limits, "MAX_VALUES", 1_000)
    monkeypatch.setattr(parse, "MAX_VALUES", 1_000)
    return 1_000


def _tags(count: int) -> str:
    return HEADER + "    tags:\n" + "".join(f"    - t{i}\n" for i in range(count))


def test_a_file_with_more_values_than_the_bound_is_a_located_error(tmp_path, capsys, bound):
    path = tmp_path / "goals.yaml"
    path.write_text(_tags(2 * bound), encoding="utf-8")
    assert main(["check", str(path)]) == 1
    captured = capsys.readouterr()
    out = captured.out + captured.err
    # Before the tags come 27 values: the root mapping; goaltree, id, title, owner and their values;
    # period, its mapping and its 4 keys and dates; nodes, revenue and their mappings; the node's
    # 3 fields and their values; tags and its list. The 1 001st value is tag 973, on line 12 + 973.
    assert f"{path}:985:7: error E001 the file holds more than 1,000 values" in out
    assert "split it into several goal files" in out
    assert "Traceback" not in out and "internal error" not in out


def test_a_file_within_the_bound_loads(bound):
    result = load_text(_tags(bound - 100), "goals.yaml")
    assert result.diagnostics == [] and result.goal_file is not None


def test_values_a_parser_reads_after_libyaml_refused_the_text_are_counted_on_what_it_built(monkeypatch, bound):
    # libyaml and the parsers may disagree on what is valid: the count then runs on the parsed data.
    monkeypatch.setattr(parse, "values_diagnostic", lambda text, filename: None)
    result = load_text(_tags(2 * bound), "goals.yaml")
    [error] = result.diagnostics
    assert (error.code, error.line, error.column) == ("E001", 1, 1)
    assert "more than 1,000 values" in error.message


@pytest.mark.parametrize(
    "text",
    [
        _tags(50),
        HEADER + "    tags: [" + ",".join("a" for _ in range(50)) + "]\n",
        HEADER + "    actuals: {" + ", ".join(f"2027-01-{i:02d}: {i}" for i in range(1, 29)) + "}\n",
        "{" + ", ".join(f"k{i}" for i in range(50)) + "}\n",  # keys with empty values: two values each
        "? " + "\n? ".join(f"k{i}" for i in range(50)) + "\n",
        "- - - - " + "\n- - - - ".join("x" for _ in range(20)) + "\n",
        "- a: b\n  c: d\n" * 20,
        '{"a":[1,2,3],"b":{"c":"d","e":[{"f":null}]}}' * 1,
        "a:\r  - x\r  - y\r" * 1,
    ],
)
def test_the_estimate_before_parsing_never_misses_a_file_over_the_bound(monkeypatch, text):
    # The cheap count must suspect every file the exact count refuses; set the bound just below
    # the file's true number of values.
    events = [
        event
        for event in yaml.parse(text, Loader=yaml.CSafeLoader)
        if isinstance(event, (yaml.ScalarEvent, yaml.AliasEvent, yaml.MappingStartEvent, yaml.SequenceStartEvent))
    ]
    monkeypatch.setattr(limits, "MAX_VALUES", len(events) - 1)
    assert limits.may_hold_too_many_values(text)
    assert limits.values_diagnostic(text, "goals.yaml") is not None


def test_the_benchmark_file_is_not_counted_twice(monkeypatch):
    # The 100 000-node benchmark must load without the counting pass: its estimate, a hundredth of it
    # at 1 000 nodes, stays under a hundredth of the bound (the estimate grows with the nodes).
    spec = importlib.util.spec_from_file_location("generate", ROOT / "bench" / "generate.py")
    generate = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(generate)
    text = generate.generate(1_000)
    monkeypatch.setattr(limits, "MAX_VALUES", limits.MAX_VALUES // 100)
    assert not limits.may_hold_too_many_values(text)


def test_the_byte_cap_leaves_the_benchmark_room_and_the_bound_on_values_its_reach():
    assert read.MAX_FILE_BYTES == 64 * 2**20
    assert git.MAX_FILE_BYTES == read.MAX_FILE_BYTES
    # At the benchmark's density (19.3 MiB for 1.64 million values) the bound is reached within the cap.
    assert limits.MAX_VALUES * 19.3 * 2**20 / 1_642_449 < read.MAX_FILE_BYTES


def test_a_revision_larger_than_the_cap_is_refused_before_it_is_read(tmp_path, monkeypatch):
    if shutil.which("git") is None:  # pragma: no cover - git is part of the system set-up
        pytest.fail("git is needed for this test")
    monkeypatch.setenv("GIT_CONFIG_NOSYSTEM", "1")
    monkeypatch.setenv("GIT_CONFIG_GLOBAL", str(tmp_path / "no-global-gitconfig"))
    for arguments in (["init", "-q"], ["config", "user.name", "A"], ["config", "user.email", "a@example.com"]):
        subprocess.run(["git", *arguments], cwd=tmp_path, check=True)
    (tmp_path / "goals.yaml").write_text(_tags(100), encoding="utf-8")
    subprocess.run(["git", "add", "goals.yaml"], cwd=tmp_path, check=True)
    subprocess.run(["git", "commit", "-q", "-m", "plan"], cwd=tmp_path, check=True)
    commit = subprocess.run(["git", "rev-parse", "HEAD"], cwd=tmp_path, check=True, capture_output=True, text=True).stdout.strip()
    monkeypatch.setattr(git, "MAX_FILE_BYTES", 1_000)
    shown = []
    run_git = git.run_git
    monkeypatch.setattr(git, "run_git", lambda arguments, cwd: shown.append(arguments[0]) or run_git(arguments, cwd))
    with pytest.raises(GoaltreeError, match="larger than 0 MiB"):
        git.read_at(tmp_path, commit, "goals.yaml")
    assert "show" not in shown


# -- memory: running out of it anyway ends in one line ---------------------------------------------


def test_running_out_of_memory_is_one_line_and_no_traceback(tmp_path, capsys, monkeypatch):
    def exhausted(text, filename):
        raise MemoryError

    path = tmp_path / "goals.yaml"
    path.write_text(_tags(3), encoding="utf-8")
    monkeypatch.setattr(loading, "parse_document", exhausted)
    # The last-resort handler imported `traceback`, which itself fails when memory is gone.
    monkeypatch.setitem(sys.modules, "traceback", None)
    code = main(["check", str(path)])
    monkeypatch.undo()
    captured = capsys.readouterr()
    assert code == 2
    assert captured.out == ""
    assert captured.err.startswith("goaltree: out of memory in 'check'; ")
    assert captured.err.count("\n") == 1
    assert "Traceback" not in captured.err and "internal error" not in captured.err
