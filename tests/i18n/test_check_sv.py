"""``goaltree check`` on Swedish goal files: every SMART family's findings in Swedish, English with ``--language en``.

The expected sentences are written by hand, the Swedish way: a decimal comma
(``6,7×``), a space between thousands (``2 000 000 kr``), ``kr`` for SEK and
Swedish month names (``31 mars 2028``). The severity word and the code of a
diagnostic line stay English (editors and CI parse them); the message after
them is Swedish.
"""

from __future__ import annotations

import shutil
import textwrap
from pathlib import Path
from typing import Iterator

import pytest

from goaltree.cli import main
from goaltree.present.language import use_language
from goaltree.rules import Finding, NodeRule
from goaltree.rules.runner import check_goal_file

DATA = Path(__file__).parent / "data"


@pytest.fixture
def smart_file(tmp_path: Path) -> Path:
    """A Swedish goal file that breaks a rule of every family (tests/i18n/data/check_smart_sv.yaml)."""
    path = tmp_path / "mal.yaml"
    shutil.copy(DATA / "check_smart_sv.yaml", path)
    return path


def check(capsys, *argv: str) -> tuple[int, str]:
    code = main(["check", *argv])
    return code, capsys.readouterr().out


SWEDISH = {
    "specific": [
        "warning S001 [content] titeln 'Vi ska göra bättre content' säger 'bättre' men inte hur mycket; "
        "skriv in siffran i titeln (målet är 400)",
        "info S002 [kundnojdhet] KPI-titeln 'Nöjdare kunder' anger ingen siffra; skriv in siffran i titeln (målet är 8)",
        "warning S003 [kundnojdhet] ingen är ansvarig för målet; ange `owner:` på noden, "
        "eller en `owner:` för hela filen överst i den",
        "warning S004 [webbintakter] titeln säger 1,5 mnkr men målet är 2 000 000 kr; rätta titeln eller målet",
        "warning S005 [kostnad_per_lead] titeln säger 'högst 700 kr', så värdet ska hållas lågt eller sjunka, men "
        "riktningen är increase (standardriktningen), som läser ett värde över målet som uppnått; "
        "lägg till `direction: decrease`",
    ],
    "measurable": [
        "error M004 [konvertering] ett värde i % summeras över tid av en KPI:s standardvärde `aggregate: sum`; "
        "ange `aggregate: last` (eller `mean`), eller beräkna andelen från totaler med en formel",
        "error M005 [pipeline] formeln adderar kr (affarsvarde) och ett antal (moten); bara lika enheter kan läggas "
        "ihop: räkna om ena sidan, eller multiplicera med en andel eller ett pris",
        "error M006 [andel_rost] titeln säger 18 % och målet är 18, men `unit: ratio` läser 18 som 1 800 %; "
        'skriv `unit: "%"` för att behålla 18, eller andelen 0,18',
    ],
    "achievable": [
        "warning A001 [leads] målet 20 000 är 6,7× utgångsläget 3 000 (+567 %), mer än den rimliga ökningen "
        "på +300 % (`checks.options.max_target_change: 3`); se över målet, eller beskriv vad som gör det nåbart",
        "warning A002 [leads] för att nå 20 000 senast den 31 mars 2028 krävs 65,5 per dag under de 275 dagar som "
        "återstår, 5,9× de 11 per dag som uppmätts hittills (2 000 totalt per 30 juni 2027; "
        "`checks.options.max_pace_vs_trend: 2`); se över målet, eller planera vad som ändrar takten",
    ],
    "relevant": [
        "warning R001 [kundnojdhet] noden hänger inte ihop med målträdet: ingen överordnad nod använder den och den "
        "har inga underliggande noder; lägg till `parent:` (målet den bidrar till), använd den i en formel, "
        "eller ta bort den",
        "warning R002 [intakter] 4 underliggande noder (intakter_se, intakter_no, intakter_dk, intakter_fi) är fler "
        "än 3 (`checks.options.max_children: 3`); fokusera på några få KPI:er, eller gruppera dem under delmål",
    ],
    "time-bound": [
        "error T001 [leads] slutdatumet 31 mars 2028 ligger efter periodens slut (1 januari 2027 … 31 december 2027); "
        "flytta in det i perioden, eller flytta målet till nästa periods fil",
        "warning T002 [content] milstolpen 100 den 30 juni 2027 faller tillbaka från 120 den 31 mars 2027, men "
        "milstolparna för ett flöde är löpande summor från periodens start, inte värden per period; om varje "
        "milstolpe är en periods värde, skriv summorna: `milestones: {2027-03-31: 120, 2027-06-30: 220}`",
    ],
    "structure, derived and amounts": [
        "error E022 inställningen 'min_trend_days' ska vara ett heltal, inte 'tio'; standardvärdet 30 används",
        "warning A005 [intakter_dk] det härledda målet för intakter_dk är −70 000, under noll, vilket ett belopp i kr "
        "inte kan vara: målet för intakter, 1 000 000, lämnar −70 000 kvar när intakter_se (600 000), "
        "intakter_no (450 000), intakter_fi (20 000) har fått sina (",
        "sänk de målen, höj målet för intakter, eller ange ett mål för intakter_dk",
        "info S002 [intakter_dk] KPI-titeln 'Intäkter i Danmark' anger ingen siffra; skriv in siffran i titeln "
        "(det härledda målet är −70 000 kr)",
    ],
}


@pytest.mark.parametrize("family", SWEDISH)
def test_a_swedish_file_gets_swedish_findings(smart_file, capsys, family):
    code, out = check(capsys, str(smart_file))
    assert code == 1
    for sentence in SWEDISH[family]:
        assert sentence in out


def test_the_diagnostic_line_keeps_its_english_severity_and_code(smart_file, capsys):
    _code, out = check(capsys, str(smart_file))
    assert f"{smart_file}:49:15: error T001 [leads] slutdatumet 31 mars 2028 " in out
    assert f"{smart_file}:7:46: error E022 inställningen 'min_trend_days'" in out


def test_language_en_gives_the_english_findings_of_a_swedish_file(smart_file, capsys):
    code, out = check(capsys, str(smart_file), "--language", "en")
    assert code == 1
    for sentence in (
        "warning A001 [leads] the target 20 000 is 6.7× the baseline 3 000 (+567 %), beyond the plausible rise "
        "of +300 % (`checks.options.max_target_change: 3`); check the target, or say what makes it reachable",
        "error T001 [leads] the deadline 2028-03-31 is after the period ends (2027-01-01 … 2027-12-31); "
        "move it inside the period, or the goal to the next period's file",
        "warning S004 [webbintakter] the title says 1,5 mnkr but the target is 2 000 000 SEK; "
        "correct the title or the target",
        "error M005 [pipeline] the formula adds SEK (affarsvarde) and a count (moten); only like units add up: "
        "convert one side, or multiply by a rate or a price",
        "error E022 the option 'min_trend_days' must be an integer, not 'tio'; the default 30 is used",
        "warning S003 [kundnojdhet] nobody owns this goal; set `owner:` on the node, "
        "or a default `owner:` at the top of the file",
        "warning S005 [kostnad_per_lead] the title says 'högst 700 kr', so the value should stay low or fall, "
        "but the direction is increase (the default), which reads a value above the target as achieved; "
        "add `direction: decrease`",
    ):
        assert sentence in out
    for swedish in ("målet", "milstolpen", "slutdatumet", " kr;", "6,7×", "mars"):
        assert swedish not in out


def test_percentages_units_and_milestones_in_swedish(tmp_path, capsys):
    path = tmp_path / "kampanj.yaml"
    path.write_text(
        textwrap.dedent(
            """\
            goaltree: 1
            id: kampanj-2027
            title: Kampanjen 2027
            language: sv
            owner: Marknadschef
            period: {start: 2027-01-01, end: 2027-12-31}
            nodes:
              leads:
                title: 3 000 leads från kampanjen
                unit: count
                target: 3000
                formula: kontakter * kontakt_till_lead * kvalificerade / 100
                actuals: {2027-03-31: 700}
              kontakter:
                title: 40 000 kontakter
                unit: count
                actuals: {2027-03-31: 9000}
              kontakt_till_lead:
                title: 25 % av kontakterna blir leads
                type: driver
                unit: "%"
                target: 25
              kvalificerade:
                title: 30 % av leadsen är kvalificerade
                type: driver
                unit: "%"
                target: 30
              oppningsgrad:
                title: 40 % öppningsgrad i nyhetsbrevet
                unit: "%"
                aggregate: last
                rollup: mean
                target: 40
                parent: leads
                deadline: 2027-09-30
                milestones: {2027-06-30: 35, 2027-10-31: 40}
                actuals: {2027-03-31: 38}
              oppningsgrad_a:
                title: 38 % öppningsgrad för utskick A
                unit: ratio
                aggregate: last
                parent: oppningsgrad
                actuals: {2027-03-31: 0.38}
            """
        ),
        encoding="utf-8",
    )
    code, out = check(capsys, str(path))
    assert code == 1
    assert (
        "error M006 [leads] formeln dividerar med 100, men `kontakt_till_lead`, `kvalificerade` går redan in i "
        "formeln som andelar (23 % är 0,23): resultatet skulle bli fel med en faktor 100; ta bort `100`"
    ) in out
    assert (
        "error M005 [oppningsgrad] `rollup: mean` lägger ihop en andel (oppningsgrad_a) med ett procenttal "
        "(oppningsgrad); den överordnade noden och noderna den summerar behöver samma enhet"
    ) in out
    assert (
        "error T003 [oppningsgrad] milstolpen den 31 oktober 2027 ligger efter nodens slutdatum (30 september 2027); "
        "flytta den till 1 januari 2027 … 30 september 2027"
    ) in out
    assert (
        "warning S004 [kontakter] titeln säger 40 000 kontakter men det härledda målet är 4 000 000; "
        "rätta titeln eller målet"
    ) in out
    assert "(9 000 totalt per 31 mars 2027;" in out


class _Crashes(NodeRule):
    """A rule that fails on every node, to see the E099 a crash becomes."""

    code = "X999"
    name = "test.crashes"
    severity = "warning"
    needs_tree = False

    def check_node(self, context, node_id, node) -> Iterator[Finding]:
        raise ValueError("trasig")


@pytest.mark.parametrize(
    ("nodes", "expected"),
    [
        (["a"], "regeln X999 (test.crashes) kraschade på noden 'a': ValueError: trasig; de andra reglerna kördes. "
                "Det här är ett fel i goaltree, inte i din fil: rapportera det gärna"),
        (["a", "b"], "regeln X999 (test.crashes) kraschade på noden 'a' och 1 nod till: ValueError: trasig;"),
        (["a", "b", "c"], "regeln X999 (test.crashes) kraschade på noden 'a' och 2 noder till: ValueError: trasig;"),
    ],
)
def test_a_crashed_rule_is_reported_in_swedish_with_the_swedish_plural(nodes, expected):
    from goaltree.model import GoalFile

    goal_file = GoalFile.model_validate(
        {
            "goaltree": 1,
            "id": "krasch",
            "title": "Krasch",
            "owner": "Marknadschef",
            "period": {"start": "2027-01-01", "end": "2027-12-31"},
            "nodes": {node: {"title": f"{node} 100 leads", "unit": "count", "target": 100} for node in nodes},
        }
    )
    with use_language("sv"):
        diagnostics = check_goal_file(goal_file, None, None, rules=[_Crashes])
    crashes = [diagnostic.message for diagnostic in diagnostics if diagnostic.code == "E099"]
    assert len(crashes) == 1
    assert crashes[0].startswith(expected)


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        (
            "sv",
            "warning A001 [kostnad_per_lead] målet 100 är 1/5,0 av utgångsläget 500 (−80 %), mer än den "
            "rimliga minskningen till 1/4 av det (−75 %; `checks.options.max_target_change: 3`); se över målet, "
            "eller beskriv vad som gör det nåbart",
        ),
        (
            "en",
            "warning A001 [kostnad_per_lead] the target 100 is 1/5.0 of the baseline 500 (−80 %), beyond "
            "the plausible fall to 1/4 of it (−75 %; `checks.options.max_target_change: 3`); check the target, "
            "or say what makes it reachable",
        ),
    ],
)
def test_a_shrinking_target_is_written_with_a_real_minus(tmp_path, capsys, language, expected):
    # 500 kr down to 100 kr: a fifth, 80 % less (written by hand); the default bound is +300 % up, down to 1/4 (−75 %).
    path = tmp_path / "kostnad.yaml"
    path.write_text(
        textwrap.dedent(
            """\
            goaltree: 1
            id: kostnad-2027
            title: Lägre kostnad per lead 2027
            language: sv
            owner: Marknadschef
            period: {start: 2027-01-01, end: 2027-12-31}
            nodes:
              kostnad_per_lead:
                title: 100 kr per lead
                unit: SEK
                aggregate: last
                direction: decrease
                baseline: 500
                target: 100
            """
        ),
        encoding="utf-8",
    )
    _, out = check(capsys, str(path), "--language", language)
    assert [line for line in out.splitlines() if line.endswith(expected)], out


def test_a_flows_amount_so_far_does_not_read_as_a_date_range(tmp_path, capsys):
    # Ten new customers, two a month to 31 May: "10 till och med 31 maj 2027" read as the days 10–31 May.
    goals = tmp_path / "goals.yaml"
    goals.write_text(
        "goaltree: 1\nid: a002\ntitle: Nya kunder 2027\nlanguage: sv\n"
        "period: {start: 2027-01-01, end: 2027-12-31}\nowner: Försäljningschef\nnodes:\n"
        "  kunder:\n    title: Marknaden ger 70 nya kunder 2027\n    unit: count\n    target: 70\n"
        "    actuals: {2027-01-31: 2, 2027-02-28: 2, 2027-03-31: 2, 2027-04-30: 2, 2027-05-31: 2}\n",
        encoding="utf-8",
    )
    main(["check", str(goals)])
    out = capsys.readouterr().out
    assert "4,2× de 0,0662 per dag som uppmätts hittills (10 totalt per 31 maj 2027; `checks.options" in out
    assert "till och med" not in out
    main(["check", str(goals), "--language", "en"])
    assert "(10 by 2027-05-31; `checks.options" in capsys.readouterr().out
