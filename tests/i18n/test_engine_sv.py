"""What the engine says in Swedish: derivations, diagnostics, unscored children, own pace.

Each goal file says ``language: sv``; the expected sentences and figures are
written by hand, from the file's data, the Swedish way (decimal comma, a space
between thousands, Swedish month names). ``explain``'s own headings belong to
the command line and are not asserted here: only the sentences the engine
supplies.
"""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

from support import DATA

from goaltree.cli import main
from goaltree.present.language import _, use_language

ROOT = Path(__file__).resolve().parents[2]
AS_OF = "2027-06-30"


def swedish_funnel(tmp_path: Path, extra: str = "") -> Path:
    """The seed funnel with ``language: sv``; ``extra`` is added under ``customers`` (a declared target)."""
    text = (DATA / "funnel.yaml").read_text(encoding="utf-8")
    text = text.replace("owner: Head of Marketing\n", "owner: Head of Marketing\nlanguage: sv\n", 1)
    if extra:
        text = text.replace("    formula: leads * lead_to_customer\n", f"    {extra}\n    formula: leads * lead_to_customer\n", 1)
    path = tmp_path / "goals.yaml"
    path.write_text(text, encoding="utf-8")
    return path


CHANNELS = """\
goaltree: 1
id: kanaler-2027
title: Leads och pipeline 2027
period: {start: 2027-01-01, end: 2027-12-31}
owner: Marknadschef
language: sv
nodes:
  leads:
    title: 6 000 leads under året
    unit: count
    target: 6000
    rollup: sum
  leads_web:
    title: Leads från webben
    parent: leads
    unit: count
    baseline: 2000
  leads_events:
    title: Leads från event
    parent: leads
    unit: count
    baseline: 1000
  pipeline:
    title: Pipeline på 1 MSEK
    unit: SEK
    target: 1000000
    formula: deals * deal_size
  deals:
    title: Affärer
    unit: count
    baseline: 10
  deal_size:
    title: Affärsstorlek
    unit: SEK
    baseline: 50000
  customers:
    title: 100 kunder
    unit: count
    target: 100
    formula: mqls * mql_to_customer
  mqls:
    title: MQL
    unit: count
  mql_to_customer:
    title: En fjärdedel av MQL blir kunder
    type: driver
    unit: ratio
    baseline: 0.25
  okr:
    title: Marknaden växer
    type: objective
    rollup: progress
  meetings:
    title: 50 kundmöten
    parent: okr
    unit: count
    target: 50
    actuals: {2027-03-31: 20}
  webinars:
    title: Webbinarier
    parent: okr
    unit: count
    actuals: {2027-03-31: 4}
  order_value:
    title: Snittorder 100 000 kr
    parent: okr
    type: driver
    unit: SEK
    target: 100000
"""


def explain(path: Path, node: str, capsys, *extra: str) -> list[str]:
    main(["explain", str(path), node, "--as-of", AS_OF, *extra])
    return capsys.readouterr().out.splitlines()


def test_a_propagated_target_and_a_measured_actual_in_swedish(tmp_path, capsys):
    lines = explain(swedish_funnel(tmp_path), "customers", capsys)
    # customers = revenue / clv = 63 000 000 / 900 000 = 70
    assert "  löst ur revenue = customers * clv med revenue = 63 000 000: 70" in lines
    assert "  - revenue: 63 000 000 — angivet i målfilen" in lines
    # two inline actuals (14 and 16) summed, up to the evaluation date
    assert "  summan av 2 dagars observationer från 1 januari 2027 till 30 juni 2027 (utfall i målfilen)" in lines


def test_a_rolled_up_actual_in_swedish(tmp_path, capsys):
    lines = explain(swedish_funnel(tmp_path), "revenue", capsys)
    # 30 customers times a CLV of 100 000 · 3 · 3 = 900 000
    assert "  revenue = customers * clv = 27 000 000" in lines
    assert "  - customers: 30 — summan av 2 dagars observationer från 1 januari 2027 till 30 juni 2027 (utfall i målfilen)" in lines
    assert "    - avg_order: 100 000 — mäts inte: planeringsantagandet (dess mål) används" in lines


def test_allocated_scaled_and_assumed_targets_in_swedish(tmp_path, capsys):
    path = tmp_path / "kanaler.yaml"
    path.write_text(CHANNELS, encoding="utf-8")
    # 6 000 leads split by the baselines 2 000 and 1 000: the web has 2/3 of it
    assert (
        "  fördelat från leads = sum(leads_web, leads_events): resten 6 000 av leads 6 000 "
        "efter andel av utgångsläget (66,7 %)"
    ) in explain(path, "leads_web", capsys)
    # 10 · 50 000 = 500 000 must double to 1 000 000: both grow by √2 = 1,414
    assert (
        "  skalat från sitt utgångsläge 10 med den gemensamma tillväxtfaktorn 1,414 "
        "som får pipeline = deals * deal_size att nå 1 000 000"
    ) in explain(path, "deals", capsys)
    # 100 customers at a kept rate of 25 % need 400 MQLs
    lines = explain(path, "mqls", capsys)
    assert "  löst ur customers = mqls * mql_to_customer med customers = 100: 400" in lines
    assert any(line.endswith(" — inget mål angivet: drivaren antas ligga kvar på sitt utgångsläge 25 %") for line in lines)


def test_children_left_out_of_an_objectives_score_say_why_in_swedish(tmp_path, capsys):
    path = tmp_path / "kanaler.yaml"
    path.write_text(CHANNELS, encoding="utf-8")
    out = "\n".join(explain(path, "okr", capsys))
    assert "webinars: inget mål: den stöder målsättningen utan att räknas in i poängen" in out
    assert "order_value: ett planeringsantagande, mäts inte" in out


def test_a_contradiction_between_targets_is_reported_in_swedish(tmp_path, capsys):
    path = swedish_funnel(tmp_path, "target: 80")
    lines = explain(path, "revenue", capsys)
    # 80 customers · 900 000 = 72 000 000 against the declared 63 000 000: −9 000 000, −12,5 % of 72 000 000
    assert any(
        line.startswith(f"{path}:")
        and line.endswith(
            " warning A003 [revenue] målen stämmer inte med revenue = customers * clv: målet för revenue är "
            "63 000 000 men dess undernoder ger 72 000 000, ett gap på −9 000 000 (−12,5 %); "
            "ändra ett av de angivna målen eller utelämna ett så att det härleds"
        )
        for line in lines
    )
    # the declared 80 customers at 1,4 % need 80 / 0,014 = 5 714,2857 leads
    assert "  löst ur customers = leads * lead_to_customer med customers = 80: 5 714,2857" in explain(path, "leads", capsys)


def test_an_overflowing_actual_is_reported_in_swedish(tmp_path, capsys):
    path = swedish_funnel(tmp_path)
    text = path.read_text(encoding="utf-8").replace("{2027-03-31: 60000, 2027-06-30: 65000}", "{2027-03-31: 1.0e308, 2027-06-30: 1.0e308}")
    path.write_text(text, encoding="utf-8")
    lines = explain(path, "visits", capsys)
    assert any(
        " error E026 [visits] utfallet för 'visits' blir för stort (summan av dess observationer): det är större än "
        "det största tal goaltree kan hålla (omkring 1,8e308) eller inte ett tal, så det lämnas okänt" in line
        for line in lines
    )


def test_language_en_on_a_swedish_file_gives_the_english_sentences(tmp_path, capsys):
    path = swedish_funnel(tmp_path, "target: 80")
    lines = explain(path, "leads", capsys, "--language", "en")
    assert "  solved from customers = leads * lead_to_customer with customers = 80: 5 714.2857" in lines
    assert "  sum of 2 day(s) of observations from 2027-01-01 to 2027-06-30 (inline actuals)" in lines
    lines = explain(path, "revenue", capsys, "--language", "en")
    assert any(
        line.endswith(
            " warning A003 [revenue] targets disagree with revenue = customers * clv: revenue target is 63 000 000 "
            "but its children give 72 000 000, a gap of -9 000 000 (-12.5%); change one of the declared targets "
            "or leave one out to derive it"
        )
        for line in lines
    )


def test_a_derivation_reads_in_the_language_of_its_reader(tmp_path):
    from goaltree.api import evaluate

    evaluation = evaluate(swedish_funnel(tmp_path), dt.date(2027, 6, 30))  # made outside any language: English
    derivation = evaluation.nodes["customers"].target_derivation
    with use_language("sv"):
        assert derivation.text == "löst ur revenue = customers * clv med revenue = 63 000 000: 70"
    assert derivation.text == "solved from revenue = customers * clv with revenue = 63 000 000: 70"
    declared = evaluation.nodes["revenue"].target_derivation
    with use_language("sv"):
        assert declared.text == "angivet i målfilen"
    assert declared.text == "declared in the goal file"


def test_own_pace_is_named_in_swedish(tmp_path):
    from goaltree.api import evaluate
    from goaltree.engine.attribution import OWN_PACE, OWN_PACE_WORDS, own_pace_words

    with use_language("sv"):
        # 80 declared customers contradict the 30 the children (leads · rate) roll up to: revenue's own pace
        evaluation = evaluate(swedish_funnel(tmp_path, "target: 80"), dt.date(2027, 6, 30))
        assert OWN_PACE in evaluation.nodes["revenue"].attribution
        assert own_pace_words() == _(OWN_PACE_WORDS) == "den egna takten avviker från delarnas"
    assert own_pace_words() == "its own pace differs from its parts"


def test_a_report_finds_live_sources_in_a_swedish_evaluation(tmp_path):
    from goaltree.api import evaluate
    from goaltree.report.sections import data_source

    folder = tmp_path / "b2b"
    shutil.copytree(ROOT / "examples" / "b2b-funnel", folder)
    goals = folder / "goals.yaml"
    goals.write_text(
        goals.read_text(encoding="utf-8").replace("owner: Head of Marketing\n", "owner: Head of Marketing\nlanguage: sv\n", 1),
        encoding="utf-8",
    )
    with use_language("sv"):
        evaluation = evaluate(goals, dt.date(2027, 6, 30))
        revenue = evaluation.nodes["revenue"]
        # the sentence no longer says "(source crm)": the report must not read it to tell live data
        assert revenue.actual_derivation.text.endswith("(källa crm)")
        assert revenue.actual_source == "crm"
        assert data_source(evaluation)["kind"] == "live"


def test_a_negative_number_to_a_fractional_power_has_no_value_in_either_language(tmp_path, capsys):
    # The square root of a balance of −2.5: no real number, not an overflow; the figures as each language writes them.
    path = tmp_path / "rot.yaml"
    path.write_text(
        "goaltree: 1\n"
        "id: rot\n"
        "title: Roten ur saldot\n"
        "language: sv\n"
        "owner: Analytiker\n"
        "period: {start: 2027-01-01, end: 2027-12-31}\n"
        "nodes:\n"
        "  rot:\n"
        "    title: Roten ur saldot\n"
        "    unit: count\n"
        "    formula: saldo ** 0.5\n"
        "  saldo:\n"
        "    title: Saldot\n"
        "    unit: count\n"
        "    aggregate: last\n"
        "    actuals: {2027-03-31: -2.5}\n",
        encoding="utf-8",
    )
    expected = {
        "sv": "error E026 [rot] utfallet för 'rot' har inget värde i rot = saldo ** 0.5 ('saldo' i kolumn 1 är "
        "negativt (−2,5) och kan inte upphöjas till exponenten 0,5, som inte är ett heltal), så det lämnas okänt; "
        "kontrollera värdena det beräknas från (ett tecken, ett utfall under noll)",
        "en": "error E026 [rot] the actual of 'rot' has no value in rot = saldo ** 0.5 ('saldo' at column 1 is "
        "negative (-2.5) and cannot be raised to the fractional power 0.5), so it is left unknown; check the values "
        "it is computed from (a sign, an actual below zero)",
    }
    for language, sentence in expected.items():
        code = main(["evaluate", str(path), "--as-of", AS_OF, "--language", language])
        printed = capsys.readouterr()
        assert code == 1
        lines = (printed.out + printed.err).splitlines()
        assert any(line.endswith(sentence) for line in lines), lines
    # The same with a declared target of −2.5: the target of the root has no value.
    path.write_text(path.read_text(encoding="utf-8").replace("actuals: {2027-03-31: -2.5}", "target: -2.5"), encoding="utf-8")
    assert main(["evaluate", str(path), "--as-of", AS_OF]) == 1
    printed = capsys.readouterr()
    assert any(
        line.endswith(
            "error E026 [rot] målet för 'rot' har inget värde i rot = saldo ** 0.5 ('saldo' i kolumn 1 är negativt "
            "(−2,5) och kan inte upphöjas till exponenten 0,5, som inte är ett heltal), så det lämnas okänt; "
            "kontrollera värdena det beräknas från (ett tecken, ett mål under noll)"
        )
        for line in (printed.out + printed.err).splitlines()
    )
