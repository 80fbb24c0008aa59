"""Plugin sources, installed for real: a dist-info with entry points on ``sys.path``."""

from __future__ import annotations

import datetime as dt
import sys
import textwrap
import uuid
from pathlib import Path
from typing import Callable

import pytest

from goaltree.sources import fetch_observations

from .deals import AS_OF, START, assert_series_equal, by_day, expected_count, goal_file, write_deals_csv

WORKING = '''
import datetime as dt
from goaltree.engine.results import Observation

CALLS = []
INSTANCES = []


class CountingSource:
    """Answers every node with one observation per day of January, valued `options.per_day`."""

    def __init__(self):
        INSTANCES.append(self)

    def fetch(self, config, requests, start, end):
        CALLS.append((config, [r.node_id for r in requests], start, end))
        answer = {}
        for request in requests:
            per_day = request.options.get("per_day", 1)
            days = [start + dt.timedelta(days=n) for n in range((end - start).days + 1)]
            answer[request.node_id] = [
                Observation(day, per_day) if request.options.get("objects") else (day.isoformat(), per_day)
                for day in days
                if day.month == 1
            ]
        return answer
'''
PICKY = '''
import datetime as dt
from goaltree.sources import SourceError


class Picky:
    def fetch(self, config, requests, start, end):
        answer = {}
        for request in requests:
            kind = request.options["kind"]
            if kind == "ok":
                answer[request.node_id] = [(dt.date(2027, 1, 2), 5, "email"), (dt.date(2027, 1, 2), 2, "email")]
            elif kind == "node_error":
                answer[request.node_id] = LookupError("no such report")
            elif kind == "bad":
                answer[request.node_id] = [("tomorrow", 1)]
            # kind == "absent": nothing
        return answer


def make():
    """A factory function instead of a class."""
    return Picky()


class Refusing:
    def fetch(self, config, requests, start, end):
        raise SourceError("the API said 401: check the token")
'''
CRASHING = '''
class Crashing:
    def fetch(self, config, requests, start, end):
        raise RuntimeError("rate limited with token " + config.token)
'''
BROKEN_IMPORT = '''
import goaltree_module_that_does_not_exist  # noqa: F401
'''
NO_FETCH = '''
class NoFetch:
    pass
'''


@pytest.fixture
def install_plugins(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Callable[[dict[str, str], dict[str, str]], dict[str, str]]:
    """Install plugin modules and an entry-point distribution into a folder put on ``sys.path``.

    Takes ``{module: code}`` and ``{type: "module:attr"}``; module names are made
    unique per test and returned as ``{module: unique name}``.
    """
    created: list[str] = []

    def install(modules: dict[str, str], entry_points: dict[str, str]) -> dict[str, str]:
        suffix = uuid.uuid4().hex[:8]
        site = tmp_path / f"site-{suffix}"
        site.mkdir()
        names = {module: f"{module}_{suffix}" for module in modules}
        for module, code in modules.items():
            (site / f"{names[module]}.py").write_text(textwrap.dedent(code))
            created.append(names[module])
        dist = site / f"goaltree_test_plugins_{suffix}-1.0.dist-info"
        dist.mkdir()
        (dist / "METADATA").write_text(f"Metadata-Version: 2.1\nName: goaltree-test-plugins-{suffix}\nVersion: 1.0\n")
        lines = ["[goaltree.sources]"]
        for type_name, target in entry_points.items():
            module, _, attribute = target.partition(":")
            lines.append(f"{type_name} = {names.get(module, module)}:{attribute}")
        (dist / "entry_points.txt").write_text("\n".join(lines) + "\n")
        monkeypatch.syspath_prepend(str(site))
        return names

    yield install
    for name in created:
        sys.modules.pop(name, None)


def test_a_plugin_answers_all_its_nodes_in_one_call(tmp_path: Path, install_plugins, monkeypatch: pytest.MonkeyPatch) -> None:
    names = install_plugins({"working": WORKING}, {"counting": "working:CountingSource"})
    monkeypatch.setenv("COUNTING_TOKEN", "s3cret-token-value")
    monkeypatch.setenv("GOALTREE_ALLOWED_VARIABLES", "COUNTING_TOKEN")
    tree = goal_file(
        {"ads": {"type": "counting", "account": "acme", "token": "${COUNTING_TOKEN}"}},
        {
            "clicks": {"metric": {"source": "ads", "options": {"per_day": 3}}},
            "spend": {"metric": {"source": "ads", "options": {"per_day": 2.5, "objects": True}}},
        },
    )

    result = fetch_observations(tree, tmp_path, START, AS_OF)

    assert result.diagnostics == ()
    january = [START + dt.timedelta(days=n) for n in range(31)]
    assert by_day(result.observations["clicks"]) == {day: 3.0 for day in january}
    assert by_day(result.observations["spend"]) == {day: 2.5 for day in january}
    calls = sys.modules[names["working"]].CALLS
    assert len(calls) == 1
    config, node_ids, start, end = calls[0]
    assert node_ids == ["clicks", "spend"]
    assert (config.account, config.token) == ("acme", "s3cret-token-value")  # ${VAR} read for the plugin
    assert (start, end) == (START, AS_OF)


def test_a_broken_plugin_next_to_working_sources(tmp_path: Path, install_plugins, monkeypatch: pytest.MonkeyPatch) -> None:
    install_plugins(
        {"working": WORKING, "crashing": CRASHING, "broken": BROKEN_IMPORT, "nofetch": NO_FETCH},
        {
            "counting": "working:CountingSource",
            "crashing": "crashing:Crashing",
            "broken": "broken:Source",
            "nofetch": "nofetch:NoFetch",
        },
    )
    monkeypatch.setenv("ADS_TOKEN", "tok-secret-9876")
    monkeypatch.setenv("GOALTREE_ALLOWED_VARIABLES", "ADS_TOKEN")
    write_deals_csv(tmp_path / "deals.csv")
    tree = goal_file(
        {
            "crm": {"type": "csv", "path": "deals.csv", "date_column": "close_date"},
            "ads": {"type": "counting"},
            "crash": {"type": "crashing", "token": "${ADS_TOKEN}"},
            "broken": {"type": "broken"},
            "nofetch": {"type": "nofetch"},
        },
        {
            "deals": {"metric": {"source": "crm", "value": "count"}},
            "clicks": {"metric": {"source": "ads"}},
            "crash_a": {"metric": {"source": "crash"}},
            "crash_b": {"metric": {"source": "crash"}},
            "broken_node": {"metric": {"source": "broken"}},
            "nofetch_node": {"metric": {"source": "nofetch"}},
        },
    )

    result = fetch_observations(tree, tmp_path, START, AS_OF)

    assert result.failed_nodes == {"crash_a", "crash_b", "broken_node", "nofetch_node"}
    assert_series_equal(by_day(result.observations["deals"]), expected_count())
    assert len(result.observations["clicks"]) == 31
    messages = {d.node: (d.code, d.message) for d in result.diagnostics}
    assert messages["crash_a"] == (
        "E013", "source crash, node crash_a: plugin 'crashing' failed: RuntimeError: rate limited with token ***"
    )
    assert messages["crash_b"][0] == "E013"
    code, message = messages["broken_node"]
    assert code == "E018"
    assert message.startswith("source broken, node broken_node: plugin 'broken' (")
    assert "could not be loaded: ModuleNotFoundError: No module named 'goaltree_module_that_does_not_exist'" in message
    assert messages["nofetch_node"][0] == "E018"
    assert "has no fetch(config, requests, start, end) method" in messages["nofetch_node"][1]


def test_per_node_failures_and_malformed_answers(tmp_path: Path, install_plugins) -> None:
    install_plugins({"picky": PICKY}, {"picky": "picky:make", "refusing": "picky:Refusing"})
    tree = goal_file(
        {"api": {"type": "picky"}, "locked": {"type": "refusing"}},
        {
            "ok": {"metric": {"source": "api", "options": {"kind": "ok"}}},
            "node_error": {"metric": {"source": "api", "options": {"kind": "node_error"}}},
            "bad": {"metric": {"source": "api", "options": {"kind": "bad"}}},
            "absent": {"metric": {"source": "api", "options": {"kind": "absent"}}},
            "refused": {"metric": {"source": "locked"}},
        },
    )

    result = fetch_observations(tree, tmp_path, START, AS_OF)

    assert result.failed_nodes == {"node_error", "bad", "absent", "refused"}
    # Two rows for one day and dimension are added up, like any source's rows.
    assert [(o.date, o.value, o.dimension) for o in result.observations["ok"]] == [(dt.date(2027, 1, 2), 7.0, "email")]
    messages = {d.node: d.message for d in result.diagnostics}
    assert messages["node_error"] == "source api, node node_error: plugin 'picky' failed for this node: LookupError: no such report"
    assert messages["bad"] == "source api, node bad: plugin 'picky' returned a bad observation: 'tomorrow' is not a date"
    assert messages["absent"] == (
        "source api, node absent: plugin 'picky' returned nothing for this node (an empty list means no data)"
    )
    assert messages["refused"] == "source locked, node refused: plugin 'refusing': the API said 401: check the token"


def test_two_sources_of_one_plugin_type_load_it_once(tmp_path: Path, install_plugins) -> None:
    names = install_plugins({"working": WORKING}, {"counting": "working:CountingSource"})
    tree = goal_file(
        {"ads_se": {"type": "counting", "market": "se"}, "ads_no": {"type": "counting", "market": "no"}},
        {"clicks_se": {"metric": {"source": "ads_se"}}, "clicks_no": {"metric": {"source": "ads_no"}}},
    )

    result = fetch_observations(tree, tmp_path, START, AS_OF)

    assert result.diagnostics == ()
    module = sys.modules[names["working"]]
    assert len(module.INSTANCES) == 1
    calls = module.CALLS
    assert [(config.market, node_ids) for config, node_ids, _, _ in calls] == [("se", ["clicks_se"]), ("no", ["clicks_no"])]
