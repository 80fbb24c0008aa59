"""``goaltree catalog --language sv``: the KPI catalogue in Swedish, its ids, formulas and YAML keys unchanged.

The Swedish is written here by hand, with the names the Swedish seed articles
use (konverteringsgrad, kundanskaffningskostnad, dagar till affär) and Swedish
numbers: a decimal comma, a space between thousands.
"""

from __future__ import annotations

import pytest
import yaml

from goaltree import catalog
from goaltree.catalog.text import usage_yaml
from goaltree.cli import main
from goaltree.present.language import use_language


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> str:
    assert main(list(argv)) == 0
    return capsys.readouterr().out


def test_the_listing_is_swedish(capsys):
    lines = run(capsys, "catalog", "--language", "sv").splitlines()
    assert lines[0] == "KPI-katalogen: 20 KPI:er. En nod väljer en med `kpi: ID`;"
    assert lines[1] == "`goaltree catalog ID` förklarar en."
    assert "Tio vanliga KPI:er för marknadsföring (CAC och CAC % räknas som en)" in lines
    assert "B2B-tratten: besökare, leads, kunder" in lines
    rows = {line.split()[0]: line for line in lines if line.startswith("  ")}
    assert "Kundanskaffningskostnad (CAC)" in rows["cac"] and "acquisition_cost / new_customers" in rows["cac"]
    assert "Konverteringsgrad" in rows["conversion_rate"] and "[ratio]" in rows["conversion_rate"]
    assert "Dagar till affär" in rows["days_to_deal"] and rows["days_to_deal"].endswith("(räknas från en källa)")


def test_the_listing_keeps_its_columns_in_swedish(capsys):
    """The names are longer in Swedish; the unit and formula columns still line up."""
    rows = [line for line in run(capsys, "catalog", "--language", "sv").splitlines() if line.startswith("  ")]
    assert len({line.index("[") for line in rows}) == 1


def test_one_kpi_is_explained_in_swedish(capsys):
    text = run(capsys, "catalog", "cac", "--language", "sv")
    lines = text.splitlines()
    assert lines[0] == "cac — Kundanskaffningskostnad (CAC)"
    assert lines[2].startswith("Vad det i genomsnitt kostar att vinna en ny kund:")
    for row in (
        "  formel       acquisition_cost / new_customers",
        "  indata       acquisition_cost (SEK): Marknads- och säljkostnader riktade mot nya kunder",
        "               new_customers (count): Nya kunder vunna under samma period",
        "  enhet        SEK",
        "  riktning     decrease (lägre är bättre)",
        "  aggregering  last (den senaste observationen är värdet)",
        "  exempel      acquisition_cost = 6 300 000, new_customers = 70 → 90 000",
        "I en målfil:",
        "      title: Kundanskaffningskostnad (CAC) når <mål> senast <datum>",
        "      # koppla indata bara där dina nod-id:n skiljer sig från indatanamnen",
    ):
        assert row in lines, row
    assert "Obs: Räkna kostnaden och kunderna under samma period" in text


def test_numbers_in_an_explanation_are_written_the_swedish_way(capsys):
    text = run(capsys, "catalog", "leads_per_customer", "--language", "sv")
    assert "  exempel      lead_to_customer = 0,014 → 71,43" in text.splitlines()
    assert "1 / 0,014 är 71,4" in " ".join(text.split())
    growth = run(capsys, "catalog", "follower_growth", "--language", "sv").splitlines()
    assert "  utgångsläge  0 (värdet vid periodens början, om inte noden anger ett eget)" in growth
    assert "  exempel      followers = 15 000, followers_start = 12 000 → 0,25" in growth
    assert "               followers_start (count, aggregering last): Följare vid periodens början" in growth


def test_a_counted_kpi_is_explained_in_swedish(capsys):
    lines = run(capsys, "catalog", "mql", "--language", "sv").splitlines()
    assert lines[0] == "mql — Marknadskvalificerade leads (MQL)"
    assert "  formel       ingen: räknas direkt från en källa" in lines
    assert '      metric: {source: <källa>, value: count, where: "<villkor>"}' in lines


@pytest.mark.parametrize("entry", catalog.entries(), ids=lambda entry: entry.id)
def test_no_english_is_left_in_a_swedish_explanation(entry):
    with use_language("sv"):
        explained = catalog.format_catalog(entry.id)
    swedish = " ".join(explained.split())
    assert entry.id in swedish and (entry.formula or "") in swedish
    # Compared without spaces: a wrapped line may break after a hyphen ("lead-to-\ncustomer").
    unwrapped = {language: "".join(text.split()) for language, text in (("sv", explained), ("en", catalog.format_catalog(entry.id)))}
    for text in (entry.name, entry.definition, entry.note or "", *(item.meaning for item in entry.inputs)):
        if text:
            assert "".join(text.split()) in unwrapped["en"]
            assert "".join(text.split()) not in unwrapped["sv"], text
    labels = {line.split()[0] for line in explained.splitlines() if line.startswith("  ") and not line.startswith("   ")}
    assert labels <= {"formel", "indata", "enhet", "riktning", "aggregering", "utgångsläge", "exempel", "nodes:"}
    for words in ("In a goal file", "Note:", "is better", "add up", "the latest"):
        assert words not in swedish, words


@pytest.mark.parametrize("entry", catalog.entries(), ids=lambda entry: entry.id)
def test_the_swedish_snippet_keeps_the_goal_file_keys(entry):
    with use_language("sv"):
        node = yaml.safe_load(usage_yaml(entry))["nodes"][entry.id]
    assert node["kpi"] == entry.id
    assert set(node) == {"title", "kpi", "target", "metric" if entry.formula is None else "inputs"}
    if entry.formula is not None:
        assert set(node["inputs"]) == set(entry.input_names)


def test_english_is_unchanged(capsys):
    lines = run(capsys, "catalog").splitlines()
    assert lines[0] == "The KPI catalogue: 20 KPIs. A node takes one with `kpi: ID`;"
    assert "Ten standard marketing KPIs (CAC and CAC % count as one)" in lines
    assert any(line.split()[:4] == ["cac", "Customer", "acquisition", "cost"] for line in lines)
    explained = run(capsys, "catalog", "leads_per_customer", "--language", "en").splitlines()
    assert explained[0] == "leads_per_customer — Leads needed per customer"
    assert "  example    lead_to_customer = 0.014 → 71.43" in explained
    assert "  direction  decrease (lower is better)" in explained
