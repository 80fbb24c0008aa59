"""Why a derived target moved: the edits that reach it through a revision's derivations.

An edit of a node's entry is named as a cause only where it moves a figure
(docs/revisions.md, "derived"), through one of these ways:

- the node's own target moved with its entry: every derivation that reads it;
- its ``formula``, ``rollup``, ``type``, ``kpi`` or ``inputs`` changed: the
  derivations of the equation it heads;
- its ``parent`` changed: the derivations of the equations of the rollups it
  left and joined (a child that moves out leaves its siblings the whole amount);
- its declared target, or a ``weight`` or ``baseline`` that the allocation it
  is part of reads, changed: the shares of the nodes allocated with it;
- a ``weight`` that its parent's weighted mean reads changed: that equation.

So a ``unit`` edit that keeps the numbers as formulas read them (SEK → EUR,
``5 %`` → ``0.05``) is no cause, and neither is a weight on a child whose
target a growth factor scales from its baseline.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Collection, Iterable, Mapping

from goaltree.engine.allocation import ALLOCATION_RULES, split_weights
from goaltree.engine.results import Evaluation
from goaltree.graph import GoalTree
from goaltree.model import NUMERIC_ROLLUPS, Node

EQUATION_FIELDS = ("type", "kpi", "inputs", "formula", "rollup")
"""A node's fields that make the equation it heads: an edit of one moves what that equation derives."""

WEIGHTED = frozenset({"weighted_mean"})
"""The rollups that read their children's ``weight``."""

OWN_VALUES = ("baseline", "weight")
"""A node's fields that its own target reads only when it is allocated or kept at its baseline."""


@dataclass(frozen=True)
class Edit:
    """An edit of one node's entry, by the ways it can move other targets.

    Attributes:
        value: The node's own target moved with its entry.
        equations: The equation it heads changed (formula, rollup, type, kpi, inputs).
        shares: Its declared target, or a weight or baseline its allocation reads, changed.
        feeds: The nodes (new ids) whose equations the edit changed besides its own: the
            rollups it left and joined, a weighted mean whose weight it changed.
    """

    value: bool = False
    equations: bool = False
    shares: bool = False
    feeds: tuple[str, ...] = ()


class Derivations:
    """The target derivations of one evaluated revision, indexed for the walk from an edit.

    Derivations that read the same inputs are one group: the children of one
    allocation all read their parent and the children already known, so an edit
    that reaches one of them reaches all. Node ids are translated with
    ``renamed`` (old id -> new id), so that the old revision's derivations can be
    walked with the new revision's edits.
    """

    def __init__(self, evaluation: Evaluation, tree: GoalTree, renamed: Mapping[str, str] | None = None) -> None:
        rename = renamed or {}
        nodes = tree.goal_file.nodes
        self.members: dict[object, list[str]] = {}  # group -> the nodes whose target it derives
        self.readers: dict[str, list[object]] = {}  # node -> the groups that read its target
        self.headed: dict[str, list[object]] = {}  # node -> the groups of the equation it heads
        self.group_of: dict[str, object] = {}
        self.derived: set[str] = set()
        self.reads: dict[str, frozenset[str]] = {}  # node -> the fields of its own entry its target reads
        allocations: dict[object, tuple[str, list[str]]] = {}  # group -> its equation's node and members, old ids
        for node_id, result in evaluation.nodes.items():
            new_id = rename.get(node_id, node_id)
            if result.target_origin == "derived":
                self.derived.add(new_id)
            derivation = result.target_derivation
            if derivation is None:
                continue
            if derivation.rule == "assumed":
                self.reads[new_id] = frozenset({"baseline"})
            if not derivation.inputs:
                continue
            head = derivation.inputs[0]
            group: object = ("allocation", rename.get(head, head)) if derivation.rule in ALLOCATION_RULES else new_id
            if derivation.rule == "growth_factor":
                self.reads[new_id] = frozenset({"baseline"})
            elif derivation.rule == "mean" and nodes[head].rollup == "weighted_mean":
                self.reads[new_id] = frozenset({"weight"})
            elif derivation.rule == "allocated":
                allocations.setdefault(group, (head, []))[1].append(node_id)
            self.group_of[new_id] = group
            members = self.members.get(group)
            if members is None:
                self.members[group] = members = []
                for name in dict.fromkeys(derivation.inputs):
                    self.readers.setdefault(rename.get(name, name), []).append(group)
                self.headed.setdefault(rename.get(head, head), []).append(group)
            members.append(new_id)
        for _head, members_old in allocations.values():
            read = allocation_reads([nodes[member] for member in members_old])
            for member in members_old:
                self.reads[rename.get(member, member)] = read

    def reached(self, cause: str, edit: Edit) -> list[object]:
        """The groups an edit of ``cause`` reaches first."""
        groups: list[object] = []
        if edit.value:
            groups.extend(self.readers.get(cause, ()))
        if edit.equations:
            groups.extend(self.headed.get(cause, ()))
        own = self.group_of.get(cause)
        if edit.shares and isinstance(own, tuple):  # allocated with siblings: its entry moves their shares
            groups.append(own)
        for parent in edit.feeds:
            groups.extend(self.headed.get(parent, ()))
        return groups

    def causes(self, edits: Mapping[str, Edit]) -> dict[str, set[str]]:
        """For every node, the edited nodes its target was derived from, following the derivations.

        The walk goes from each edit to the groups it reaches, and on through
        derived, unedited nodes to the groups that read them; each group is
        visited once per edit, so the walk is linear in the nodes and in a node's
        children.
        """
        found: dict[str, set[str]] = {}
        for cause, edit in edits.items():
            reached = {cause}
            visited: set[object] = set()
            pending = self.reached(cause, edit)
            while pending:
                group = pending.pop()
                if group in visited:
                    continue
                visited.add(group)
                for current in self.members[group]:
                    if current in reached:
                        continue
                    reached.add(current)
                    found.setdefault(current, set()).add(cause)
                    if current not in edits and current in self.derived:
                        pending.extend(self.readers.get(current, ()))
        return found


def allocation_reads(members: Iterable[Node]) -> frozenset[str]:
    """What a sum's allocation reads of the entries of the children it splits among (:func:`split_weights`).

    Their weights, their baselines, or neither (equal shares).
    """
    _weights, basis = split_weights(list(members))
    return _READ_BY_BASIS.get(basis, frozenset())


_READ_BY_BASIS = {"weight": frozenset({"weight"}), "baseline share": frozenset({"baseline"})}


def rollup_parents(
    tree: GoalTree, node_id: str, renamed: Mapping[str, str] | None = None, *, rollups: Collection[str] = NUMERIC_ROLLUPS
) -> tuple[str, ...]:
    """The parents (new ids) whose numeric rollup (one of ``rollups``) has the node in its equation.

    A parent without a numeric rollup (an objective's progress, ``none``) derives nothing from its children.
    """
    nodes = tree.goal_file.nodes
    rename = renamed or {}
    return tuple(
        rename.get(parent, parent) for parent in nodes[node_id].parents if parent in nodes and nodes[parent].rollup in rollups
    )


def ordered(found: Mapping[str, set[str]], tree: GoalTree) -> dict[str, tuple[str, ...]]:
    """Each node's causes in the tree's goal-file order."""
    order = {node_id: index for index, node_id in enumerate(tree.goal_file.nodes)}
    return {node_id: tuple(sorted((c for c in causes if c in order), key=order.__getitem__)) for node_id, causes in found.items()}
