"""The semantic diff of two revisions of a goal file.

A text diff shows that a number changed; this one says what the change means.
Both revisions are loaded and *evaluated*, and the diff reports, in goal-file
order:

- nodes added and removed, and nodes **renamed** (a new id for the same node:
  the same title and edges, the same title alone, or a similar title with the
  same formula, parents or children) and **re-parented** (the nodes it feeds
  changed);
- every changed field, old → new. Formulas are compared in canonical form with
  commutative terms in one order, so ``a*b`` → ``b * a`` is no change, and
  neither is a formula or ``parent`` that
  differs only by the new id of a renamed node;
- ``target``: the evaluated target (declared or derived), where the node's own
  entry was edited in a way that moves it; ``target_origin`` where it switched
  between declared and derived;
- ``derived``: targets that moved although their node was not edited — only
  because something they are derived from moved ("revenue +11 % ⇒ customers
  70 → 77.8"), with the edited nodes they were derived from;
- scenarios added, removed or changed; one that sets a renamed node under
  its new id is unchanged.

A node's numbers are read in each revision's own unit, as formulas read them:
a ``%`` → ``ratio`` switch that keeps the fractions (5 → 0.05) moves nothing,
and a ``unit`` edit is an edit of the node (:mod:`goaltree.revisions.diff_values`).

Targets are what a revision changes, so both sides are evaluated with their
inline ``actuals`` only: metric sources are never queried (a review in CI
needs no database credentials, and the result does not depend on the day).
"""

from __future__ import annotations

import datetime as dt
import difflib
import re
from dataclasses import dataclass, field
from typing import Any, Callable, Mapping

from goaltree.engine.results import Evaluation
from goaltree.engine.serialize import number
from goaltree.errors import DiagnosticsError
from goaltree.formula import parse
from goaltree.formula.canonical import normal_text
from goaltree.graph import GoalTree
from goaltree.model import Node
from goaltree.revisions.diff_values import (  # noqa: F401 - re-exported: the diff's values are part of its API
    percent_scale,
    Amount,
    Change,
    Default,
    TargetMove,
    amount,
    comparable_units,
    fraction,
    relative_change,
    same_amount,
    same_number,
    to_json_value,
)
from goaltree.revisions.diff_causes import EQUATION_FIELDS, OWN_VALUES, WEIGHTED, Derivations, Edit, ordered, rollup_parents
from goaltree.revisions.git import GoalText, read_goal_text

# File-level fields worth reporting (the format version and the editor hint are not).
FILE_FIELDS = ("id", "title", "description", "period", "owner", "thresholds", "sources", "checks")
SIMILAR_TITLE = 0.6
_NAME = re.compile(r"(?<![0-9.])[A-Za-z_][A-Za-z0-9_]*")


@dataclass(frozen=True)
class Side:
    """One revision: what it is called, its tree and its evaluation."""

    label: str
    tree: GoalTree
    evaluation: Evaluation


@dataclass(frozen=True)
class GoalDiff:
    """The semantic difference between two revisions of a goal file.

    Node ids are the new revision's, except in :attr:`removed` and the keys of
    :attr:`renamed`. Every mapping and tuple follows goal-file order (the new
    file's; the old file's for removed nodes).

    Attributes:
        old: The old revision.
        new: The new revision.
        as_of: The date both were evaluated at.
        added: Ids only in the new revision (renamed nodes excluded).
        removed: Ids only in the old revision (renamed nodes excluded).
        renamed: Old id -> new id.
        reparented: Id -> the ids it feeds (formula users and ``parent``), old → new.
        changed: Id -> field -> old/new.
        derived: Id -> the derived target's move.
        file: File-level field -> old/new (period, title, thresholds, sources, …).
        scenarios: Scenario name -> the scenario old/new (``None`` on the side that lacks it):
            added, removed or changed, in file order (the new file's, then the removed ones).
    """

    old: Side
    new: Side
    as_of: dt.date
    added: tuple[str, ...] = ()
    removed: tuple[str, ...] = ()
    renamed: dict[str, str] = field(default_factory=dict)
    reparented: dict[str, Change] = field(default_factory=dict)
    changed: dict[str, dict[str, Change]] = field(default_factory=dict)
    derived: dict[str, TargetMove] = field(default_factory=dict)
    file: dict[str, Change] = field(default_factory=dict)
    scenarios: dict[str, Change] = field(default_factory=dict)

    @property
    def is_empty(self) -> bool:
        """Whether the revisions mean the same goals."""
        return not (
            self.added or self.removed or self.renamed or self.reparented or self.changed or self.derived or self.file
            or self.scenarios
        )

    def old_id(self, new_id: str) -> str:
        """The id a node of the new revision had in the old one."""
        for old, new in self.renamed.items():
            if new == new_id:
                return old
        return new_id

    def touched(self) -> tuple[str, ...]:
        """Every new-revision id the diff mentions, in the new file's order."""
        mentioned = set(self.added) | set(self.renamed.values()) | set(self.reparented) | set(self.changed) | set(self.derived)
        return tuple(node_id for node_id in self.new.tree.goal_file.nodes if node_id in mentioned)

    def to_json(self) -> dict[str, Any]:
        """The JSON of SPEC §6 — ``added``, ``removed``, ``changed``, ``derived`` — plus the extra keys
        ``renamed`` (old id -> new id), ``reparented`` (id -> old/new lists of the ids it feeds),
        ``derived_from`` (id -> the edited nodes a derived target follows, or the removed ones), ``file`` (file-level
        fields, old/new), ``scenarios`` (name -> old/new, ``null`` for added or removed) and ``compared`` (the two labels and the as-of date)."""
        return {
            "added": list(self.added),
            "removed": list(self.removed),
            "changed": {
                node_id: {name: {"old": to_json_value(c.old), "new": to_json_value(c.new)} for name, c in fields.items()}
                for node_id, fields in self.changed.items()
            },
            "derived": {node_id: {"old": number(m.old), "new": number(m.new)} for node_id, m in self.derived.items()},
            "renamed": dict(self.renamed),
            "reparented": {
                node_id: {"old": list(c.old), "new": list(c.new)} for node_id, c in self.reparented.items()
            },
            # A move that no edit above explains follows from the removed nodes, as the text says.
            "derived_from": {node_id: list(m.because or self.removed) for node_id, m in self.derived.items()},
            "file": {name: {"old": to_json_value(c.old), "new": to_json_value(c.new)} for name, c in self.file.items()},
            "scenarios": {
                name: {"old": to_json_value(c.old), "new": to_json_value(c.new)} for name, c in self.scenarios.items()
            },
            "compared": {"old": self.old.label, "new": self.new.label, "as_of": self.as_of.isoformat()},
        }


# --- loading ---------------------------------------------------------------------------------


def tree_from_text(goal_text: GoalText) -> GoalTree:
    """Load and build a goal file from its text (a working copy or a revision read from git).

    Diagnostics are placed at the text's label, e.g. ``HEAD~1:goals.yaml:12:5``.

    Raises:
        DiagnosticsError: The revision is not a valid goal file.
    """
    from goaltree.pipeline import load_goal_text

    loaded = load_goal_text(goal_text.text, goal_text.path)
    if loaded.tree is None:
        located = [_relabel(d, goal_text) for d in loaded.diagnostics]
        raise DiagnosticsError([d for d in located if d.severity == "error"] or located)
    return loaded.tree


def _relabel(diagnostic: Any, goal_text: GoalText) -> Any:
    if goal_text.commit is None or diagnostic.file is None:
        return diagnostic
    return diagnostic.located(goal_text.label, diagnostic.line, diagnostic.column)


def evaluate_targets(tree: GoalTree, as_of: dt.date) -> Evaluation:
    """Evaluate with inline actuals only: targets do not need the metric sources."""
    from goaltree.engine import evaluate

    return evaluate(tree, as_of)


def evaluate_revision(tree: GoalTree, as_of: dt.date, goal_text: GoalText | None = None) -> Evaluation:
    """:func:`evaluate_targets`, refusing a revision whose evaluation finds errors.

    A revision whose targets cannot be derived (E010: a formula's children
    cannot be split) is no more a valid goal file than one that does not load:
    its figures would say ``–`` where the file is wrong. Diagnostics are placed
    at ``goal_text``'s label, as :func:`tree_from_text` places them.

    Raises:
        DiagnosticsError: The evaluation found errors (only those are raised).
    """
    evaluation = evaluate_targets(tree, as_of)
    errors = [d for d in evaluation.diagnostics if d.severity == "error"]
    if errors:
        raise DiagnosticsError([_relabel(d, goal_text) for d in errors] if goal_text is not None else errors)
    return evaluation


# --- matching nodes across revisions ----------------------------------------------------------


def renamed_formula(text: str, renamed: Mapping[str, str]) -> str:
    """``text`` with every node id replaced by its new id."""
    if not renamed:
        return text
    return _NAME.sub(lambda match: renamed.get(match.group(0), match.group(0)), text)


def _canonical(tree: GoalTree, node_id: str) -> str | None:
    formula = tree.formulas.get(node_id)
    return formula.canonical() if formula is not None else None


def _normal(tree: GoalTree, node_id: str, renamed: Mapping[str, str] | None = None) -> str | None:
    """The node's formula with renamed ids, in the form that ignores the order of commutative terms."""
    canonical = _canonical(tree, node_id)
    if canonical is None:
        return None
    return normal_text(parse(renamed_formula(canonical, renamed)).root) if renamed else tree.formulas[node_id].normal()


def _normal_title(title: str) -> str:
    return " ".join(title.split()).casefold()


def match_renames(old_tree: GoalTree, new_tree: GoalTree) -> dict[str, str]:
    """Old id -> new id for nodes that only changed their id.

    A removed id and an added id are the same node when, strongest first:
    the title and all edges are the same (edges through already-matched
    nodes count as the same); the title alone is the same (and the type); or
    the title is similar (difflib ratio ≥ 0.6) and the formula (canonical), the
    nodes it feeds or its children are the same. Matching repeats until nothing
    changes, because one rename can make the edges of the next one agree.
    """
    old_nodes = old_tree.goal_file.nodes
    new_nodes = new_tree.goal_file.nodes
    removed = [node_id for node_id in old_nodes if node_id not in new_nodes]
    added = [node_id for node_id in new_nodes if node_id not in old_nodes]
    mapping: dict[str, str] = {}
    if not removed or not added:
        return mapping

    def old_edges(node_id: str) -> tuple[frozenset[str], frozenset[str]]:
        return (
            frozenset(mapping.get(p, p) for p in old_tree.parents.get(node_id, ())),
            frozenset(mapping.get(c, c) for c in old_tree.children(node_id)),
        )

    def new_edges(node_id: str) -> tuple[frozenset[str], frozenset[str]]:
        return frozenset(new_tree.parents.get(node_id, ())), frozenset(new_tree.children(node_id))

    def old_formula(node_id: str) -> str | None:
        return _normal(old_tree, node_id, mapping)

    def same_kind(old_id: str, new_id: str) -> bool:
        return old_nodes[old_id].type == new_nodes[new_id].type

    def same_everything(old_id: str, new_id: str) -> float | None:
        if not same_kind(old_id, new_id):
            return None
        if _normal_title(old_nodes[old_id].title) != _normal_title(new_nodes[new_id].title):
            return None
        return 1.0 if old_edges(old_id) == new_edges(new_id) else None

    def same_title(old_id: str, new_id: str) -> float | None:
        if not same_kind(old_id, new_id):
            return None
        return 1.0 if _normal_title(old_nodes[old_id].title) == _normal_title(new_nodes[new_id].title) else None

    def similar(old_id: str, new_id: str) -> float | None:
        if not same_kind(old_id, new_id):
            return None
        ratio = difflib.SequenceMatcher(
            None, _normal_title(old_nodes[old_id].title), _normal_title(new_nodes[new_id].title)
        ).ratio()
        if ratio < SIMILAR_TITLE:
            return None
        formula = old_formula(old_id)
        (old_parents, old_children), (new_parents, new_children) = old_edges(old_id), new_edges(new_id)
        if (
            (formula is not None and formula == _normal(new_tree, new_id))
            or (old_parents and old_parents == new_parents)
            or (old_children and old_children == new_children)
        ):
            return ratio
        return None

    def unique_best(candidates: list[tuple[float, str]]) -> str | None:
        best = max(score for score, _ in candidates)
        winners = [node_id for score, node_id in candidates if score == best]
        return winners[0] if len(winners) == 1 else None

    tests: tuple[Callable[[str, str], float | None], ...] = (same_everything, same_title, similar)
    progress = True
    while progress:
        progress = False
        for test in tests:
            claimed = set(mapping.values())
            of_old: dict[str, list[tuple[float, str]]] = {}
            of_new: dict[str, list[tuple[float, str]]] = {}
            for old_id in removed:
                if old_id in mapping:
                    continue
                for new_id in added:
                    if new_id not in claimed and (score := test(old_id, new_id)) is not None:
                        of_old.setdefault(old_id, []).append((score, new_id))
                        of_new.setdefault(new_id, []).append((score, old_id))
            # A rename is each one's only best match: two equally good candidates on either side
            # (two removed nodes alike, or two added ones) are left as removed and added.
            for old_id, candidates in of_old.items():
                new_id = unique_best(candidates)
                if new_id is not None and unique_best(of_new[new_id]) == old_id:
                    mapping[old_id] = new_id
                    progress = True
            if progress:
                break  # start again from the strongest test, with the new edges
    return {old_id: mapping[old_id] for old_id in removed if old_id in mapping}


# --- the diff -----------------------------------------------------------------------------------


AMOUNT_FIELDS = ("baseline", "range", "milestones", "actuals")
"""A node's fields (besides ``target``) that hold amounts in its unit."""


def _field_change(name: str, old_node: Node, new_node: Node, old_tree: GoalTree, new_tree: GoalTree,
                  old_id: str, new_id: str, renamed: Mapping[str, str], units: tuple[str | None, str | None]) -> Change | None:
    old_value = getattr(old_node, name)
    new_value = getattr(new_node, name)
    if name in AMOUNT_FIELDS:
        # Each side in its own unit; a `%` → `ratio` switch with the same fractions changes nothing.
        old_unit, new_unit = units
        if old_value is None or new_value is None:
            return None if old_value is new_value else Change(amount(old_value, old_unit), amount(new_value, new_unit))
        if same_amount(old_value, old_unit, new_value, new_unit):
            return None
        return Change(amount(old_value, old_unit), amount(new_value, new_unit))
    if name == "formula":
        same = _normal(old_tree, old_id, renamed) == _normal(new_tree, new_id)
        return None if same else Change(old_value, new_value)
    if name == "parent":
        old_parents = [renamed.get(p, p) for p in old_node.parents]
        if set(old_parents) == set(new_node.parents):
            return None
        return Change(list(old_node.parents) or None, list(new_node.parents) or None)
    if name == "inputs":
        translated = {key: renamed.get(value, value) for key, value in old_value.items()}
        return None if translated == new_value else Change(dict(old_value), dict(new_value))
    if name == "weight":
        if old_value is None or new_value is None:
            return None if old_value is new_value else Change(old_value, new_value)
        return None if same_number(old_value, new_value) else Change(old_value, new_value)
    if name == "tags":
        return None if sorted(old_value) == sorted(new_value) else Change(list(old_value), list(new_value))
    if name in DEFAULTED_FIELDS and (old_value is None) != (new_value is None):
        # A left-out field means its default: compare and show what it means, not a blank.
        old_side = _default_of(name, old_tree, old_id) if old_value is None else old_value
        new_side = _default_of(name, new_tree, new_id) if new_value is None else new_value
        plain = [side.value if isinstance(side, Default) else side for side in (old_side, new_side)]
        return None if plain[0] == plain[1] else Change(old_side, new_side)
    return None if old_value == new_value else Change(old_value, new_value)


DEFAULTED_FIELDS = ("deadline", "aggregate", "rollup", "owner")
"""A node's fields whose absence means a value: the period's end, the aggregate or rollup of its kind, the file's owner."""


def _default_of(name: str, tree: GoalTree, node_id: str) -> Default:
    """What the left-out field ``name`` of the node stands for in ``tree``."""
    if name == "deadline":
        return Default(tree.goal_file.period.end, "period_end")
    if name == "owner":
        return Default(tree.goal_file.owner, "file_owner")
    if name == "aggregate":
        return Default(tree.aggregate_of[node_id])  # the tree's: a formula of levels is a level
    return Default(tree.goal_file.nodes[node_id].effective_rollup)


def diff_trees(
    old_tree: GoalTree,
    new_tree: GoalTree,
    *,
    as_of: dt.date | None = None,
    old_label: str = "old",
    new_label: str = "new",
) -> GoalDiff:
    """Compare two evaluated revisions of a goal file.

    Args:
        old_tree: The earlier revision.
        new_tree: The later revision.
        as_of: The date both are evaluated at; default the new revision's
            ``period.start`` (targets do not depend on it, and a fixed default
            makes the diff the same whichever day it runs).
        old_label: What to call the old revision (``HEAD~1:goals.yaml``).
        new_label: What to call the new revision.

    Raises:
        DiagnosticsError: A revision's evaluation found errors (:func:`evaluate_revision`).
    """
    as_of = as_of or new_tree.goal_file.period.start
    return compare(
        Side(old_label, old_tree, evaluate_revision(old_tree, as_of)),
        Side(new_label, new_tree, evaluate_revision(new_tree, as_of)),
        as_of,
    )


def compare(old: Side, new: Side, as_of: dt.date) -> GoalDiff:
    """The diff of two revisions evaluated at ``as_of``."""
    old_tree, new_tree = old.tree, new.tree
    old_nodes = old_tree.goal_file.nodes
    new_nodes = new_tree.goal_file.nodes
    renamed = match_renames(old_tree, new_tree)
    new_to_old = {new_id: old_id for old_id, new_id in renamed.items()}
    added = tuple(n for n in new_nodes if n not in old_nodes and n not in new_to_old)
    removed = tuple(n for n in old_nodes if n not in new_nodes and n not in renamed)

    changed: dict[str, dict[str, Change]] = {}
    reparented: dict[str, Change] = {}
    moves: dict[str, tuple[float | None, float | None]] = {}
    old_derivations = Derivations(old.evaluation, old_tree, renamed)
    new_derivations = Derivations(new.evaluation, new_tree)
    # An added node changes the equations of the rollups it joins, and its target is new.
    edits: dict[str, Edit] = {
        node_id: Edit(value=True, equations=True, shares=True, feeds=rollup_parents(new_tree, node_id)) for node_id in added
    }
    for new_id, new_node in new_nodes.items():
        if new_id in added:
            continue
        old_id = new_to_old.get(new_id, new_id)
        old_node = old_nodes[old_id]
        old_result, new_result = old.evaluation.nodes[old_id], new.evaluation.nodes[new_id]
        # Values are compared in their units: a `%` target of 5 is the ratio 0.05.
        units = (old_result.unit, new_result.unit)
        fields_edited = {
            name: change
            for name in Node.model_fields
            if name != "target"
            and (change := _field_change(name, old_node, new_node, old_tree, new_tree, old_id, new_id, renamed, units)) is not None
        }
        declared_edit = not same_amount(old_node.target, units[0], new_node.target, units[1])
        equation_edit = any(name in EQUATION_FIELDS for name in fields_edited)
        # A baseline or weight moves the node's own target only where its target is allocated or assumed
        # from them; elsewhere (a target solved from its formula, scaled by a growth factor) the move comes
        # from other edits. A unit edit moves a target only through the numbers it reads, compared above.
        reads = old_derivations.reads.get(new_id, frozenset()) | new_derivations.reads.get(new_id, frozenset())
        values_edit = any(name in fields_edited and name in reads for name in OWN_VALUES)
        target_edit = declared_edit or equation_edit or "parent" in fields_edited or values_edit
        moved = not same_amount(old_result.target, units[0], new_result.target, units[1])
        fields: dict[str, Change] = {}
        for name in Node.model_fields:
            if name == "target":
                if moved and target_edit:
                    # The node's own entry moved its target: that is its change, not a derived one.
                    fields["target"] = Change(amount(old_result.target, units[0]), amount(new_result.target, units[1]))
                if target_edit and old_result.target_origin != new_result.target_origin:
                    # Declared <-> derived is an edit of the entry; a derived target that comes or
                    # goes with something above it is listed under `derived` alone.
                    fields["target_origin"] = Change(old_result.target_origin, new_result.target_origin)
            elif name in fields_edited:
                fields[name] = fields_edited[name]
        feeds: tuple[str, ...] = ()
        if "parent" in fields_edited:  # the rollups it left and joined lose and gain a child
            feeds = rollup_parents(old_tree, old_id, renamed) + rollup_parents(new_tree, new_id)
        if "weight" in fields_edited:  # a weighted mean's equation reads it
            feeds += rollup_parents(old_tree, old_id, renamed, rollups=WEIGHTED) + rollup_parents(new_tree, new_id, rollups=WEIGHTED)
        if target_edit or feeds:
            edits[new_id] = Edit(
                value=moved and target_edit, equations=equation_edit, shares=declared_edit or values_edit, feeds=feeds
            )
        if moved and not target_edit:
            moves[new_id] = (old_result.target, new_result.target)
        if fields:
            changed[new_id] = fields
        old_feeds = tuple(renamed.get(p, p) for p in old_tree.parents.get(old_id, ()))
        new_feeds = new_tree.parents.get(new_id, ())
        if set(old_feeds) != set(new_feeds):
            reparented[new_id] = Change(old_feeds, new_feeds)

    found = new_derivations.causes(edits)
    # A target that no longer has a derivation (it went with the edit that made it underivable), or
    # one the new derivations do not explain, is explained by the old revision's: what it was derived from.
    unexplained = {node_id for node_id, (_old, new_value) in moves.items() if new_value is None or node_id not in found}
    if unexplained:
        found_before = old_derivations.causes(edits)
        for node_id in unexplained:
            if node_id in found_before:
                found[node_id] = found_before[node_id]
    causes = ordered(found, new_tree)
    derived = {
        node_id: TargetMove(old_value, new_value, causes.get(node_id, ()))
        for node_id, (old_value, new_value) in moves.items()
    }

    file_changes: dict[str, Change] = {}
    for name in FILE_FIELDS:
        old_value = getattr(old_tree.goal_file, name)
        new_value = getattr(new_tree.goal_file, name)
        if old_value != new_value:
            file_changes[name] = Change(old_value, new_value)

    old_scenarios, new_scenarios = old_tree.goal_file.scenarios, new_tree.goal_file.scenarios
    # A scenario that sets a renamed node under its new id is unchanged: the rename is listed as one;
    # so is one whose values are the same in the nodes' units (5 in `%`, 0.05 once the node is a `ratio`).
    old_units = {renamed.get(node_id, node_id): result.unit for node_id, result in old.evaluation.nodes.items()}
    new_units = {node_id: result.unit for node_id, result in new.evaluation.nodes.items()}
    scenario_changes = {
        name: Change(old_scenarios.get(name), new_scenarios.get(name))
        for name in [*new_scenarios, *(name for name in old_scenarios if name not in new_scenarios)]
        if not _same_scenario(_under_new_names(old_scenarios.get(name), renamed), new_scenarios.get(name), old_units, new_units)
    }

    return GoalDiff(
        old=old,
        new=new,
        as_of=as_of,
        added=added,
        removed=removed,
        renamed=renamed,
        reparented=reparented,
        changed=changed,
        derived=derived,
        file=file_changes,
        scenarios=scenario_changes,
    )


def _under_new_names(scenario: Any, renamed: dict[str, str]) -> Any:
    """``scenario`` with the nodes it sets under their new ids; ``None`` stays ``None``."""
    if scenario is None or not any(node_id in renamed for node_id in scenario.set):
        return scenario
    return scenario.model_copy(update={"set": {renamed.get(node_id, node_id): value for node_id, value in scenario.set.items()}})


def _same_scenario(old: Any, new: Any, old_units: Mapping[str, str | None], new_units: Mapping[str, str | None]) -> bool:
    """Whether two scenarios (the old one under the new ids) say the same, each value read in its side's unit."""
    if old is None or new is None:
        return old is new
    return old.description == new.description and old.set.keys() == new.set.keys() and all(
        same_amount(value, old_units.get(node_id), new.set[node_id], new_units.get(node_id))
        for node_id, value in old.set.items()
    )


def diff_revisions(old: str, new: str, *, as_of: dt.date | None = None) -> GoalDiff:
    """The diff of two ``OLD``/``NEW`` arguments: paths, or ``REV:PATH`` read from git.

    Raises:
        GoaltreeError: An argument names nothing readable (bad revision, not a repository, missing file).
        DiagnosticsError: A revision is not a valid goal file, or its evaluation found errors.
    """
    old_text = read_goal_text(old)
    new_text = read_goal_text(new)
    old_tree, new_tree = tree_from_text(old_text), tree_from_text(new_text)
    as_of = as_of or new_tree.goal_file.period.start
    return compare(
        Side(old_text.label, old_tree, evaluate_revision(old_tree, as_of, old_text)),
        Side(new_text.label, new_tree, evaluate_revision(new_tree, as_of, new_text)),
        as_of,
    )

