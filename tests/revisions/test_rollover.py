"""goaltree rollover: the next period's goal file, open goals carried over, checked clean."""

from __future__ import annotations

import datetime as dt
import json
import textwrap
from pathlib import Path

import pytest
import yaml

from goaltree.api import evaluate, load
from goaltree.cli import main
from goaltree.errors import GoaltreeError
from goaltree.model import Period
from goaltree.revisions.rollover import default_output, handover_date, parse_period, period_label
from goaltree.rules import check_file

DATA = Path(__file__).resolve().parent.parent / "data"
HEADER = "# yaml-language-server: $schema=../schemas/goaltree.schema.json\n# Acme marketing plan.\n"


@pytest.fixture
def funnel(tmp_path: Path) -> Path:
    path = tmp_path / "goals.yaml"
    path.write_text(HEADER + (DATA / "funnel.yaml").read_text(encoding="utf-8"), encoding="utf-8")
    return path


def errors_in(path: Path) -> list:
    return [d for d in check_file(path) if d.severity == "error"]


def nodes_of(path: Path) -> dict:
    return yaml.safe_load(path.read_text(encoding="utf-8"))["nodes"]


# --- periods ----------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "start", "end", "label"),
    [
        ("2027-Q3", dt.date(2027, 7, 1), dt.date(2027, 9, 30), "2027-Q3"),
        ("2027q1", dt.date(2027, 1, 1), dt.date(2027, 3, 31), "2027-Q1"),
        ("2027-H2", dt.date(2027, 7, 1), dt.date(2027, 12, 31), "2027-H2"),
        ("2028", dt.date(2028, 1, 1), dt.date(2028, 12, 31), "2028"),
        ("2028-Q1", dt.date(2028, 1, 1), dt.date(2028, 3, 31), "2028-Q1"),
        ("2027-07-15..2027-10-14", dt.date(2027, 7, 15), dt.date(2027, 10, 14), "2027-07-15..2027-10-14"),
    ],
)
def test_periods(text, start, end, label):
    period = parse_period(text)
    assert (period.start, period.end) == (start, end)
    assert period_label(period) == label


@pytest.mark.parametrize("text", ["2027-Q5", "2027-H3", "Q3", "27", "2027-10-01..2027-07-01", "2027-07-01..soon"])
def test_bad_periods(text):
    with pytest.raises(GoaltreeError):
        parse_period(text)


def test_handover_date_and_default_output():
    year = parse_period("2027")
    assert handover_date(year, parse_period("2027-Q3")) == dt.date(2027, 6, 30)
    assert handover_date(year, parse_period("2028")) == dt.date(2027, 12, 31)
    assert default_output(Path("plans/goals.yaml"), parse_period("2027-Q3")) == Path("plans/goals-2027-Q3.yaml")
    assert default_output(Path("goals-2027.yaml"), parse_period("2028"), year) == Path("goals-2028.yaml")
    range_period = Period(start=dt.date(2027, 7, 15), end=dt.date(2027, 10, 14))
    assert default_output(Path("g.yaml"), range_period) == Path("g-2027-07-15_2027-10-14.yaml")


# --- the funnel, carried into Q3 --------------------------------------------------------------------------------


def test_funnel_into_q3_carries_the_remaining_amounts_and_checks_clean(funnel, capsys):
    before = funnel.read_bytes()
    assert main(["rollover", str(funnel), "--to", "2027-Q3"]) == 0
    output = funnel.with_name("goals-2027-Q3.yaml")
    assert output.is_file() and funnel.read_bytes() == before  # the old file untouched
    assert "revenue" in capsys.readouterr().out
    assert errors_in(output) == []

    text = output.read_text(encoding="utf-8")
    assert text.startswith(HEADER)  # header comments kept, the schema modeline first
    assert "Rolled over by `goaltree rollover` from goals.yaml (2027) to 2027-Q3" in text
    document = yaml.safe_load(text)
    assert document["period"] == {"start": dt.date(2027, 7, 1), "end": dt.date(2027, 9, 30)}
    assert "period: {start: 2027-07-01, end: 2027-09-30}" in text
    assert document["id"] == "seed-funnel-2027-q3"
    assert document["title"] == "Marketing-sourced revenue 2027-Q3"
    nodes = document["nodes"]
    assert list(nodes) == list(yaml.safe_load(before)["nodes"])  # goal-file order

    # revenue: 27 M of 63 M reached by 30 June, 36 M left for Jul–Dec; Q3 is 92 of those 184 days.
    revenue = nodes["revenue"]
    assert revenue["target"] == 18_000_000
    assert revenue["baseline"] == 13_500_000  # 27 M over six months, scaled to Q3's three
    assert "27 000 000 of 63 000 000 reached, 36 000 000 remaining" in revenue["description"]
    # Titles that stated a target state the new one: 18 M; derived again, 20 customers and 1 428.6 leads.
    assert revenue["title"] == "18 MSEK new revenue from marketing-sourced customers"
    assert nodes["customers"]["title"] == "20 new customers from marketing leads"
    assert nodes["leads"]["title"] == "1 429 leads from the website"
    assert nodes["visits"]["title"] == "71 429 website visits"  # 1 428.6 / 2 %
    assert [d.format() for d in check_file(output) if d.code == "S004"] == []
    assert "92/184 days" in revenue["description"]
    assert list(revenue) == ["title", "description", "unit", "baseline", "target", "formula"]

    # An open level: the baseline is the level reached, the target stays.
    assert nodes["lead_to_customer"]["baseline"] == pytest.approx(0.012)
    assert nodes["lead_to_customer"]["target"] == 0.014
    # An achieved level: tagged and kept as maintain.
    visit_to_lead = nodes["visit_to_lead"]
    assert visit_to_lead["tags"] == ["achieved-2027"]
    assert visit_to_lead["direction"] == "maintain" and visit_to_lead["target"] == 0.02
    assert "range" not in visit_to_lead
    # Planning assumptions are left alone; inline actuals of the old period are dropped.
    assert nodes["avg_order"] == yaml.safe_load(before)["nodes"]["avg_order"]
    for node_id in ("customers", "leads", "visits"):
        assert "actuals" not in nodes[node_id]
    assert nodes["customers"]["baseline"] == 15 and nodes["visits"]["baseline"] == 62_500  # 30 and 125 000, halved

    # The derived targets follow: 18 M / 900 000 = 20 customers, / 1.4 % = 1 428.6 leads, / 2 % = 71 429 visits.
    evaluation = evaluate(load(output), dt.date(2027, 7, 1))
    assert evaluation.nodes["customers"].target == pytest.approx(20)
    assert evaluation.nodes["leads"].target == pytest.approx(20 / 0.014)
    assert evaluation.nodes["visits"].target == pytest.approx(20 / 0.014 / 0.02)


def test_funnel_into_next_year_keeps_the_finished_target_or_carries_the_remaining_amount(funnel):
    output = funnel.with_name("next.yaml")
    assert main(["rollover", str(funnel), "--to", "2028", "-o", str(output)]) == 0
    assert errors_in(output) == []
    revenue = nodes_of(output)["revenue"]
    assert revenue["target"] == 63_000_000  # due on 31 December 2027: finished, the target again
    assert revenue["baseline"] == 27_000_000  # 27 M over 12 months, for 12 months
    assert revenue["title"] == "63 MSEK new revenue from marketing-sourced customers"
    output = funnel.with_name("remaining.yaml")
    assert main(["rollover", str(funnel), "--to", "2028", "--carry", "remaining", "-o", str(output)]) == 0
    revenue = nodes_of(output)["revenue"]
    assert revenue["target"] == 36_000_000  # 63 M − 27 M, all of it in 2028: no share
    assert revenue["title"] == "36 MSEK new revenue from marketing-sourced customers"
    assert "by 2027" not in revenue["description"]


def test_as_of_chooses_the_actuals(funnel):
    output = funnel.with_name("q3.yaml")
    assert main(["rollover", str(funnel), "--to", "2027-Q3", "--as-of", "2027-03-31", "-o", str(output)]) == 0
    revenue = nodes_of(output)["revenue"]
    # 14 customers × 900 000 = 12.6 M by 31 March; 50.4 M left over 275 days, of which Q3 has 92.
    assert revenue["target"] == pytest.approx(50_400_000 * 92 / 275, rel=1e-6)
    assert "on 2027-03-31" in revenue["description"]


# --- achieved flows, deadlines, milestones -------------------------------------------------------------------


H1_FILE = """\
goaltree: 1
id: acme-h1-2027-h1
title: Acme leads 2027-H1
owner: Marketing
period: {start: 2027-01-01, end: 2027-06-30}

nodes:
  pipeline:
    title: 40 MSEK pipeline from 800 qualified leads
    unit: SEK
    target: 40000000
    formula: leads * deal_value
    milestones: {2027-03-31: 15000000}
  deal_value:
    title: 50 000 SEK pipeline per qualified lead
    type: driver
    unit: SEK
    target: 50000
  leads:
    title: 800 qualified leads from the website
    unit: count
    actuals: {2027-03-31: 500, 2027-06-15: 400, 2027-07-05: 80}
  signups:
    title: 2 000 newsletter sign-ups in 2027-H1
    unit: count
    parent: leads
    target: 2000
    deadline: 2027-05-31
    actuals: {2027-04-30: 2500}
  nps:
    title: NPS of 40 among new customers
    unit: count
    aggregate: last
    parent: leads
    baseline: 30
    target: 40
    actuals: {2027-06-01: 45}
"""


def test_achieved_goals_are_tagged_and_kept(tmp_path):
    source = tmp_path / "goals-2027-H1.yaml"
    source.write_text(H1_FILE, encoding="utf-8")
    assert main(["rollover", str(source), "--to", "2027-H2"]) == 0
    output = tmp_path / "goals-2027-H2.yaml"  # the old label in the name is replaced
    assert errors_in(output) == []
    document = yaml.safe_load(output.read_text(encoding="utf-8"))
    assert document["id"] == "acme-h1-2027-h2" and document["title"] == "Acme leads 2027-H2"
    nodes = document["nodes"]
    # pipeline: 900 leads × 50 000 = 45 M ≥ 40 M: achieved, the same pace over H2 (six months as H1).
    pipeline = nodes["pipeline"]
    assert "achieved-2027-h1" in pipeline["tags"]
    assert pipeline["target"] == 40_000_000
    # Its milestone moves with the half year: 31 March -> 30 September (the last day of the month).
    assert pipeline["milestones"] == {dt.date(2027, 9, 30): 15_000_000}
    # signups: achieved by its deadline in May; the deadline moves with the period to November: 2 000 again.
    signups = nodes["signups"]
    assert signups["tags"] == ["achieved-2027-h1"] and signups["deadline"] == dt.date(2027, 11, 30)
    assert signups["target"] == 2000 and signups["title"] == "2 000 newsletter sign-ups in 2027-H2"
    # An achieved level is kept as maintain between the target and the level reached.
    nps = nodes["nps"]
    assert nps["direction"] == "maintain" and nps["range"] == [40, 45] and nps["baseline"] == 45
    assert "range: [40, 45]" in output.read_text(encoding="utf-8")
    # Check-ins inside the new period stay; the old period's go.
    assert nodes["leads"]["actuals"] == {dt.date(2027, 7, 5): 80}


def test_open_flows_rebase_milestones_inside_the_new_period(tmp_path):
    source = tmp_path / "goals.yaml"
    source.write_text(
        (DATA / "funnel.yaml").read_text(encoding="utf-8").replace(
            "    target: 63000000\n",
            "    target: 63000000\n    milestones: {2027-03-31: 12000000, 2027-08-31: 40000000, 2027-09-30: 47000000}\n",
        ),
        encoding="utf-8",
    )
    output = tmp_path / "q3.yaml"
    assert main(["rollover", str(source), "--to", "2027-Q3", "-o", str(output)]) == 0
    assert errors_in(output) == []
    revenue = nodes_of(output)["revenue"]
    # 40 M by the end of August, less the 27 M already reached; the one on the new deadline is the target.
    assert revenue["milestones"] == {dt.date(2027, 8, 31): 13_000_000}


def test_a_goal_without_data_keeps_its_target(tmp_path):
    source = tmp_path / "goals.yaml"
    source.write_text(
        textwrap.dedent(
            """\
            goaltree: 1
            id: brand
            title: Brand 2027
            owner: Marketing
            period: {start: 2027-01-01, end: 2027-12-31}
            nodes:
              mentions:
                title: 1 200 press mentions
                unit: count
                target: 1200
                actuals: {2028-01-15: 3}
            """
        ),
        encoding="utf-8",
    )
    output = tmp_path / "h2.yaml"
    assert main(["rollover", str(source), "--to", "2027-H2", "-o", str(output)]) == 0
    mentions = nodes_of(output)["mentions"]
    assert mentions["target"] == 1200 and "no actuals" in mentions["description"]
    assert mentions["actuals"] == {dt.date(2028, 1, 15): 3}
    assert "baseline" not in mentions
    output = tmp_path / "q3.yaml"
    assert main(["rollover", str(source), "--to", "2027-Q3", "-o", str(output)]) == 0
    assert nodes_of(output)["mentions"]["target"] == 600  # Q3's 92 of the 184 days left


# --- refusals ------------------------------------------------------------------------------------------------


def test_an_existing_output_is_never_overwritten(funnel, capsys):
    output = funnel.with_name("goals-2027-Q3.yaml")
    output.write_text("keep me\n", encoding="utf-8")
    assert main(["rollover", str(funnel), "--to", "2027-Q3"]) == 2
    assert "goals-2027-Q3.yaml already exists" in capsys.readouterr().err
    assert output.read_text(encoding="utf-8") == "keep me\n"
    assert main(["rollover", str(funnel), "--to", "2027-Q3", "-o", str(funnel)]) == 2


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (["--to", "2027-Q5"], "'2027-Q5' is not a period"),
        (["--to", "2026"], "rollover moves a goal file forward"),
        (["--to", "2027-Q3", "--as-of", "2027-10-01"], "is not before the new period's end"),
        (["--to", "2027-Q3", "-o", "no/such/folder/out.yaml"], "does not exist"),
    ],
)
def test_usage_errors(funnel, capsys, monkeypatch, arguments, message):
    monkeypatch.chdir(funnel.parent)
    assert main(["rollover", "goals.yaml", *arguments]) == 2
    assert message in capsys.readouterr().err
    assert sorted(p.name for p in funnel.parent.iterdir()) == ["goals.yaml"]  # nothing written, no temporary files


def test_a_broken_goal_file_exits_1(tmp_path, capsys):
    source = tmp_path / "goals.yaml"
    source.write_text((DATA / "funnel.yaml").read_text(encoding="utf-8").replace("customers * clv", "customers * cvl"), encoding="utf-8")
    assert main(["rollover", str(source), "--to", "2028"]) == 1
    assert "E004" in capsys.readouterr().err
    assert sorted(p.name for p in tmp_path.iterdir()) == ["goals.yaml"]


def test_json_output_when_asked_for(funnel):
    output = funnel.with_name("next.json")
    assert main(["rollover", str(funnel), "--to", "2028", "-o", str(output)]) == 0
    document = json.loads(output.read_text(encoding="utf-8"))
    assert document["period"] == {"start": "2028-01-01", "end": "2028-12-31"}
    assert document["nodes"]["revenue"]["target"] == 63000000
    assert errors_in(output) == []


def test_rolling_over_twice_replaces_the_note(funnel, tmp_path):
    first = tmp_path / "q3.yaml"
    assert main(["rollover", str(funnel), "--to", "2027-Q3", "-o", str(first)]) == 0
    second = tmp_path / "q4.yaml"
    assert main(["rollover", str(first), "--to", "2027-Q4", "-o", str(second)]) == 0
    assert errors_in(second) == []
    revenue = nodes_of(second)["revenue"]
    # Q3 has no check-ins: finished without actuals, its target renewed; the note says so instead of the old one.
    assert revenue["target"] == 18_000_000
    assert revenue["description"].count("Rollover from") == 1
    assert "from 2027-Q3 on 2027-09-30: finished without actuals" in revenue["description"]
    assert yaml.safe_load(second.read_text(encoding="utf-8"))["id"] == "seed-funnel-2027-q4"


def test_a_maintain_goal_keeps_its_band(tmp_path):
    source = tmp_path / "goals.yaml"
    source.write_text(
        textwrap.dedent(
            """\
            goaltree: 1
            id: care
            title: Customer care 2027
            owner: Support
            period: {start: 2027-01-01, end: 2027-12-31}
            nodes:
              response_days:
                title: Answer every ticket within 1 to 2 days
                unit: days
                aggregate: last
                direction: maintain
                range: [1, 2]
                actuals: {2027-05-31: 1.5}
            """
        ),
        encoding="utf-8",
    )
    output = tmp_path / "out.yaml"
    assert main(["rollover", str(source), "--to", "2027-H2", "-o", str(output)]) == 0
    assert errors_in(output) == []
    node = nodes_of(output)["response_days"]
    assert node["range"] == [1, 2] and node["direction"] == "maintain" and node["baseline"] == 1.5
    assert "tags" not in node and "maintain goal" in node["description"]


def test_a_cap_is_carried_as_the_remaining_budget_or_at_its_pace_once_spent(tmp_path):
    source = tmp_path / "goals.yaml"
    source.write_text(
        textwrap.dedent(
            """\
            goaltree: 1
            id: budget
            title: Marketing budget 2027
            owner: CFO
            period: {start: 2027-01-01, end: 2027-12-31}
            nodes:
              events_cost:
                title: Events cost at most 1 000 000 SEK
                unit: SEK
                direction: decrease
                target: 1000000
                actuals: {2027-03-31: 300000, 2027-06-30: 100000}
              ads_cost:
                title: Ads cost at most 500 000 SEK
                unit: SEK
                direction: decrease
                target: 500000
                actuals: {2027-05-31: 650000}
            """
        ),
        encoding="utf-8",
    )
    output = tmp_path / "q3.yaml"
    assert main(["rollover", str(source), "--to", "2027-Q3", "-o", str(output)]) == 0
    assert errors_in(output) == []
    nodes = nodes_of(output)
    # 600 000 of the budget left for Jul–Dec; Q3 gets 92 of the 184 days.
    assert nodes["events_cost"]["target"] == 300_000
    assert "400 000 of 1 000 000 spent, 600 000 remaining" in nodes["events_cost"]["description"]
    # Spent past the cap: no zero budget, the cap at its old pace, by calendar months as every
    # length a rollover scales by (docs/revisions.md): 500 000 × 3 / 12, not × 92 / 365.
    assert nodes["ads_cost"]["target"] == 125_000
    assert "500 000 × 3 months / 12 months = 125 000" in nodes["ads_cost"]["description"]
    assert "150 000 over" in nodes["ads_cost"]["description"]


@pytest.mark.parametrize("period", ["2027-Q3", "2028"])
@pytest.mark.parametrize("template", ["b2b-funnel", "b2b-funnel-sv", "brand-and-business", "okr", "blank"])
def test_every_starter_rolls_over_into_a_file_without_errors(tmp_path, template, period):
    from goaltree import starters

    if template not in starters.names():
        pytest.skip(f"no starter {template}")
    project = tmp_path / "project"
    starters.create(template, project)
    source = project / "goals.yaml"
    output = project / "next.yaml"
    assert main(["rollover", str(source), "--to", period, "-o", str(output)]) == 0
    assert [d.format() for d in errors_in(output)] == []


def test_file_sources_are_repointed_when_the_new_file_goes_elsewhere(tmp_path, capsys):
    from goaltree import starters

    project = tmp_path / "project"
    starters.create("b2b-funnel", project)
    (project / "next").mkdir()
    output = project / "next" / "goals.yaml"
    assert main(["rollover", str(project / "goals.yaml"), "--to", "2028", "-o", str(output)]) == 0
    old_sources = yaml.safe_load((project / "goals.yaml").read_text(encoding="utf-8"))["sources"]
    new_sources = yaml.safe_load(output.read_text(encoding="utf-8"))["sources"]
    for name, entry in old_sources.items():
        if entry["type"] in ("csv", "parquet"):
            assert (output.parent / new_sources[name]["path"]).resolve() == (project / entry["path"]).resolve()
    if any(entry["type"] in ("csv", "parquet") for entry in old_sources.values()):
        assert "outside the new file's folder" in capsys.readouterr().err


# --- a finished year rolls over into the next: targets kept, not shortfalls (issue #12) ----------------------

SEED_FILE = """\
goaltree: 1
id: acme-marknad-2027
title: Acme marknad 2027
owner: Marknadschef
period: {start: 2027-01-01, end: 2027-12-31}
sources:
  crm: {type: csv, path: crm.csv, date_column: date}

nodes:
  intakter:
    title: Öka intäkterna till 63 MSEK
    unit: SEK
    target: 63000000
    formula: kunder * ordervarde
    milestones: {2027-03-31: 12000000, 2027-06-30: 27000000, 2027-09-30: 45000000}
  ordervarde:
    title: Ordervärde 900 000 kr per kund
    type: driver
    unit: SEK
    target: 900000
  kunder:
    title: 70 nya kunder
    unit: count
    formula: leads * konvertering
    metric: {source: crm, value: amount, where: "kind = 'deal'"}
  konvertering:
    title: Konvertering 1,4 %
    type: driver
    unit: ratio
    target: 0.014
  leads:
    title: 1 250 leads per kvartal
    unit: count
    metric: {source: crm, value: amount, where: "kind = 'lead'"}
  nps:
    title: NPS 40 bland nya kunder
    unit: count
    aggregate: last
    parent: intakter
    baseline: 30
    target: 40
    metric: {source: crm, value: amount, where: "kind = 'nps'"}
  webbinarier:
    title: 12 webbinarier
    unit: count
    parent: leads
    target: 12
    deadline: 2027-06-30
    metric: {source: crm, value: amount, where: "kind = 'webinar'"}
"""
# Per month of 2027: deals 14 in Q1, 16 in Q2, 20 in Q3, 15 in Q4 (65; 30 by June); leads 1 200, 1 300,
# 1 400, 900 a quarter (4 800; 2 500 by June); NPS 34 at the end of June, 36 in December; 10 webinars by June.
DEALS = [4, 5, 5, 5, 5, 6, 7, 7, 6, 5, 5, 5]
LEADS = [400, 400, 400, 450, 450, 400, 500, 450, 450, 300, 300, 300]
NPS = [30, 31, 32, 33, 33, 34, 35, 35, 36, 36, 36, 36]
WEBINARS = [2, 2, 2, 2, 2, 0, 0, 0, 0, 0, 0, 0]


@pytest.fixture
def seed_project(tmp_path: Path) -> Path:
    import calendar

    rows = ["date,kind,amount"]
    for month in range(1, 13):
        day = dt.date(2027, month, calendar.monthrange(2027, month)[1]).isoformat()
        for kind, series in (("deal", DEALS), ("lead", LEADS), ("nps", NPS), ("webinar", WEBINARS)):
            if series[month - 1]:
                rows.append(f"{day},{kind},{series[month - 1]}")
    (tmp_path / "crm.csv").write_text("\n".join(rows) + "\n", encoding="utf-8")
    source = tmp_path / "goals-2027.yaml"
    source.write_text(SEED_FILE, encoding="utf-8")
    return source


def findings(path: Path) -> set[tuple[str, str | None]]:
    return {(d.code, d.node) for d in check_file(path)}


def test_a_finished_year_keeps_its_targets_in_the_next(seed_project, capsys):
    assert sum(DEALS) == 65 and sum(LEADS) == 4800 and sum(WEBINARS) == 10
    assert main(["rollover", str(seed_project), "--to", "2028"]) == 0
    output = seed_project.with_name("goals-2028.yaml")
    printed = capsys.readouterr().out
    assert "finished, renewed" in printed
    # The new file passes check without a warning the old one did not have (no S004, no A001).
    assert findings(output) == findings(seed_project)
    nodes = nodes_of(output)

    # Revenue was due on 31 December: finished, not a shortfall. 63 MSEK again (12 of 12 months), and
    # last year's total as the baseline: 65 customers × 900 000 = 58 500 000. The title still says 63 MSEK.
    revenue = nodes["intakter"]
    assert revenue["target"] == 63_000_000
    assert revenue["baseline"] == 58_500_000
    assert revenue["title"] == "Öka intäkterna till 63 MSEK"
    # Quarterly milestones move with the year, at the same pace.
    assert revenue["milestones"] == {
        dt.date(2028, 3, 31): 12_000_000, dt.date(2028, 6, 30): 27_000_000, dt.date(2028, 9, 30): 45_000_000
    }
    assert "deadline" not in revenue  # 2027-12-31 moves to 2028-12-31, the default
    assert "58 500 000 of 63 000 000 reached" in revenue["description"]
    # Derived nodes: last year's totals as baselines; their targets are derived again (70 customers, 5 000 leads).
    assert nodes["kunder"]["baseline"] == 65 and nodes["leads"]["baseline"] == 4800
    assert nodes["kunder"]["title"] == "70 nya kunder" and nodes["leads"]["title"] == "1 250 leads per kvartal"
    # A level: the target stays, the level reached in December is the baseline.
    assert nodes["nps"]["target"] == 40 and nodes["nps"]["baseline"] == 36
    # A goal due in June 2027: its deadline moves to June 2028, its target (12, over six months) stays,
    # and the 10 webinars of Jan–Jun 2027 are the baseline.
    webinars = nodes["webbinarier"]
    assert webinars["deadline"] == dt.date(2028, 6, 30) and webinars["target"] == 12 and webinars["baseline"] == 10
    assert "tags" not in webinars  # 10 of 12: finished, not achieved

    evaluation = evaluate(load(output), dt.date(2028, 1, 1))
    assert evaluation.nodes["kunder"].target == pytest.approx(63_000_000 / 900_000)
    assert evaluation.nodes["leads"].target == pytest.approx(70 / 0.014)


def test_carry_remaining_keeps_the_shortfall_rule_and_restates_the_titles(seed_project):
    output = seed_project.with_name("remaining.yaml")
    assert main(["rollover", str(seed_project), "--to", "2028", "--carry", "remaining", "-o", str(output)]) == 0
    text = output.read_text(encoding="utf-8")
    assert "--carry remaining" in text
    nodes = nodes_of(output)
    # 63 000 000 − 58 500 000 = 4 500 000 to go; 4,5 MSEK in the title, written the Swedish way.
    assert nodes["intakter"]["target"] == 4_500_000
    assert nodes["intakter"]["title"] == "Öka intäkterna till 4,5 MSEK"
    # Derived again: 4 500 000 / 900 000 = 5 customers; 5 / 0.014 = 357.14 leads a year, 89.3 a quarter.
    assert nodes["kunder"]["title"] == "5 nya kunder"
    assert nodes["leads"]["title"] == "89 leads per kvartal"
    # 12 − 10 = 2 webinars remain; the June deadline is outside 2028, so the period's end applies.
    assert nodes["webbinarier"]["target"] == 2 and nodes["webbinarier"]["title"] == "2 webbinarier"
    assert "deadline" not in nodes["webbinarier"]
    assert not {code for code, _ in findings(output)} & {"S004"}


def test_a_mid_year_replan_carries_what_remains_and_renews_what_is_finished(seed_project):
    output = seed_project.with_name("goals-2027-H2.yaml")
    assert main(["rollover", str(seed_project), "--to", "2027-H2"]) == 0
    assert findings(output) - findings(seed_project) <= {("A001", "intakter")}
    nodes = nodes_of(output)
    # Revenue runs to December, past the hand-over on 30 June: 63 000 000 − 27 000 000 (30 × 900 000) = 36 000 000.
    revenue = nodes["intakter"]
    assert revenue["target"] == 36_000_000 and revenue["title"] == "Öka intäkterna till 36 MSEK"
    assert revenue["milestones"] == {dt.date(2027, 9, 30): 18_000_000}  # 45 M less the 27 M reached
    # 36 000 000 / 900 000 = 40 customers; 40 / 0.014 = 2 857.1 leads over H2, 1 428.6 a quarter.
    assert nodes["kunder"]["title"] == "40 nya kunder"
    assert nodes["leads"]["title"] == "1 429 leads per kvartal"
    # The webinars were due on 30 June: finished, so H2 keeps 12 (six months again), due at its end.
    webinars = nodes["webbinarier"]
    assert webinars["target"] == 12 and "deadline" not in webinars and webinars["baseline"] == 10
    # NPS runs to December: an open level, the level reached in June is the baseline.
    assert nodes["nps"]["target"] == 40 and nodes["nps"]["baseline"] == 34


def test_a_year_into_a_quarter_restates_the_range_a_title_states(tmp_path):
    source = tmp_path / "goals.yaml"
    source.write_text(
        textwrap.dedent(
            """\
            goaltree: 1
            id: varumarke-2027
            title: Varumärke 2027
            owner: Marknadschef
            period: {start: 2027-01-01, end: 2027-12-31}
            nodes:
              sokningar:
                title: Sökningar på varumärket ökar från 20 000 till 26 000 under 2027
                unit: count
                baseline: 20000
                target: 26000
                actuals: {2027-03-31: 5000, 2027-06-30: 6000, 2027-09-30: 6000, 2027-12-31: 7000}
            """
        ),
        encoding="utf-8",
    )
    output = tmp_path / "q1.yaml"
    assert main(["rollover", str(source), "--to", "2028-Q1", "-o", str(output)]) == 0
    node = nodes_of(output)["sokningar"]
    # Finished with 24 000 of 26 000; a quarter of the year: target 26 000 × 3/12 = 6 500, baseline 24 000 × 3/12 = 6 000.
    assert node["target"] == 6500 and node["baseline"] == 6000
    assert node["title"] == "Sökningar på varumärket ökar från 6 000 till 6 500 under 2028-Q1"
    assert "20 000 → 6 000, 26 000 → 6 500" in node["description"]
    assert not [d for d in check_file(output) if d.code == "S004"]


def test_a_renewed_flows_milestones_scale_by_the_targets_own_ratio(tmp_path):
    source = tmp_path / "goals.yaml"
    source.write_text(
        textwrap.dedent(
            """\
            goaltree: 1
            id: half
            title: Half year
            period: {start: 2027-07-15, end: 2028-01-14}
            owner: Ann
            nodes:
              revenue:
                title: Revenue 1 000 SEK
                unit: SEK
                target: 1000
                milestones: {2027-09-30: 300}
                actuals: {2027-08-01: 500}
            """
        ),
        encoding="utf-8",
    )
    output = tmp_path / "next.yaml"
    assert main(["rollover", str(source), "--to", "2028-01-15..2028-04-14", "-o", str(output)]) == 0
    revenue = nodes_of(output)["revenue"]
    # 91 days instead of 184: 1 000 × 91/184 = 494.565…, and the milestone 300 × 91/184 = 148.3695…,
    # 148.370 to 6 digits (scaling by the rounded target, 300 × 0.494565, gave 148.369).
    assert revenue["target"] == 494.565
    assert list(revenue["milestones"].values()) == [148.37]


@pytest.mark.parametrize(
    ("second_half", "baseline", "title", "said"),
    [
        # 13 000 + 11 000 = 24 000 searches in 2027, the new baseline: 2028 still grows to 26 000.
        (11000, 24000, "Searches for our brand name grow from 24 000 to 26 000 in 2028",
         "The title's starting amount follows the new baseline: 21 000 → 24 000."),
        # 27 029 searches (4 significant digits: 27 030) are already past 26 000: "grow from 27 030 to 26 000"
        # would state a fall as growth, so the start is kept and the description asks for a review.
        (14029, 27030, "Searches for our brand name grow from 21 000 to 26 000 in 2028",
         "The title's starting amount 21 000 is kept: the new baseline, 27 030, is already at or past the target "
         "26 000, so the move the title states no longer fits; review the title."),
    ],
)
def test_a_range_start_follows_the_baseline_unless_the_baseline_is_past_the_target(tmp_path, second_half, baseline, title, said):
    source = tmp_path / "goals.yaml"
    source.write_text(
        textwrap.dedent(
            """\
            goaltree: 1
            id: brand-2027
            title: Brand 2027
            period: {start: 2027-01-01, end: 2027-12-31}
            owner: Brand Manager
            nodes:
              brand_searches:
                title: Searches for our brand name grow from 21 000 to 26 000 in 2027
                unit: count
                baseline: 21000
                target: 26000
                actuals: {2027-06-30: 13000, 2027-12-31: SECOND_HALF}
            """
        ).replace("SECOND_HALF", str(second_half)),
        encoding="utf-8",
    )
    output = tmp_path / "next.yaml"
    assert main(["rollover", str(source), "--to", "2028", "-o", str(output)]) == 0
    node = nodes_of(output)["brand_searches"]
    assert (node["baseline"], node["target"]) == (baseline, 26000)  # 2028 keeps the target
    assert node["title"] == title
    assert said in node["description"]


def test_a_fall_already_reached_keeps_its_title_and_asks_for_a_review(tmp_path):
    source = tmp_path / "goals.yaml"
    source.write_text(
        textwrap.dedent(
            """\
            goaltree: 1
            id: churn-2027
            title: Churn 2027
            period: {start: 2027-01-01, end: 2027-12-31}
            owner: Customer Success
            nodes:
              churn:
                title: Monthly churn falls from 5 % to 3 %
                unit: "%"
                direction: decrease
                aggregate: last
                baseline: 5
                target: 3
                actuals: {2027-06-30: 4.0, 2027-12-31: 2.5}
            """
        ),
        encoding="utf-8",
    )
    output = tmp_path / "next.yaml"
    assert main(["rollover", str(source), "--to", "2028", "-o", str(output)]) == 0
    node = nodes_of(output)["churn"]
    # 2.5 % is at or below 3 %: "falls from 2.5 % to 3 %" would call a rise a fall.
    assert node["title"] == "Monthly churn falls from 5 % to 3 %"
    assert "The title's starting amount 5 % is kept: the new baseline, 2.50 %, is already at or past the target 3.00 %" in " ".join(node["description"].split())


def test_a_repointed_source_inside_the_new_folder_is_not_called_outside_it(tmp_path, capsys):
    # The plan lives in proj/.plans/ with its data; next year's file goes to proj/. The data is then
    # at .plans/leads.csv: inside the new file's folder (loading it refuses the hidden folder, with that reason).
    plans = tmp_path / "proj" / ".plans"
    plans.mkdir(parents=True)
    (plans / "leads.csv").write_text("day,leads\n2027-03-01,40\n", encoding="utf-8")
    (plans / "goals.yaml").write_text(
        "goaltree: 1\nid: p\ntitle: P\nowner: Me\nperiod: {start: 2027-01-01, end: 2027-12-31}\n"
        "sources:\n  crm: {type: csv, path: leads.csv, date_column: day}\n"
        "nodes:\n  leads: {title: 100 leads in 2027, unit: count, target: 100, metric: {source: crm, value: leads}}\n",
        encoding="utf-8",
    )
    output = tmp_path / "proj" / "next.yaml"
    assert main(["rollover", str(plans / "goals.yaml"), "--to", "2028", "-o", str(output), "--as-of", "2027-12-31"]) == 0
    assert yaml.safe_load(output.read_text(encoding="utf-8"))["sources"]["crm"]["path"] == ".plans/leads.csv"
    assert "outside the new file's folder" not in capsys.readouterr().err
