"""What an evaluation returns: one result per node, and the diagnostics.

Results are plain frozen dataclasses so that the command line, the renderers,
the reports and the diff read them without touching the engine's internals.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from functools import cached_property
from typing import TYPE_CHECKING, Any, Callable, Iterable, Iterator, Literal, Mapping, NamedTuple, Sequence

from goaltree.errors import Diagnostic
from goaltree.observations import Observation
from goaltree.present.language import current, speaking

if TYPE_CHECKING:
    import pandas

__all__ = ["Observation", "Derivation", "NodeResult", "NodeResults", "Brief", "BriefColumns", "Evaluation", "STATUSES"]

Status = Literal["achieved", "on_track", "at_risk", "off_track", "no_data", "assumed", "not_started"]
TargetOrigin = Literal["declared", "derived"]
ActualOrigin = Literal["measured", "rolled_up", "solved", "assumed"]
STATUSES: tuple[Status, ...] = ("off_track", "at_risk", "no_data", "on_track", "achieved", "assumed", "not_started")
"""Every status, worst first. ``assumed`` is a planning assumption nobody measures: never scored."""


class Derivation:
    """How a value was reached, for ``goaltree explain``.

    Attributes:
        rule: ``declared``, ``measured``, ``formula``, ``solved``, ``allocated``,
            ``growth_factor``, ``mean``, ``rollup``.
        text: One human sentence (``derived from revenue = customers * clv: 63000000 / 900000``),
            in the language active when it is read.
        inputs: The node ids the value was computed from, in formula order.

    Immutable. The solver derives a value for most nodes of a tree, and most
    sentences are never read (a table shows none of them), so
    :meth:`deferred` keeps a function and its arguments and writes the
    sentence when ``text`` is first read, in the language of that read
    (:func:`goaltree.present.language.use_language`): an evaluation made in
    one language and read in another reads in the other.
    """

    __slots__ = ("rule", "inputs", "_text", "_written")

    rule: str
    inputs: tuple[str, ...]

    def __init__(self, rule: str, text: str, inputs: tuple[str, ...] = ()) -> None:
        object.__setattr__(self, "rule", rule)
        object.__setattr__(self, "_text", text)
        object.__setattr__(self, "inputs", inputs)
        object.__setattr__(self, "_written", None)

    @classmethod
    def deferred(cls, rule: str, write: Callable[..., str], arguments: tuple, inputs: tuple[str, ...] = ()) -> "Derivation":
        """A derivation whose text is ``write(*arguments)``, written when first read in a language."""
        derivation = cls(rule, "", inputs)
        object.__setattr__(derivation, "_text", (write, arguments))
        return derivation

    @property
    def text(self) -> str:
        text = self._text
        if type(text) is not tuple:
            return text
        code = current().code
        written = self._written
        if written is not None and written[0] == code:
            return written[1]
        write, arguments = text
        sentence = write(*arguments)
        object.__setattr__(self, "_written", (code, sentence))  # kept for the next read in this language
        return sentence

    def __setattr__(self, name: str, value: object) -> None:
        raise AttributeError(f"cannot assign to field '{name}': a Derivation is immutable")

    def __eq__(self, other: object) -> bool:
        if type(other) is not Derivation:
            return NotImplemented
        return (self.rule, self.text, self.inputs) == (other.rule, other.text, other.inputs)

    def __hash__(self) -> int:
        return hash((self.rule, self.text, self.inputs))

    def __repr__(self) -> str:
        return f"Derivation(rule={self.rule!r}, text={self.text!r}, inputs={self.inputs!r})"

    def __reduce__(self):
        return (Derivation, (self.rule, self.text, self.inputs))


@dataclass(frozen=True)
class NodeResult:
    """Everything goaltree knows about one node at ``as_of``.

    Numbers are ``None`` when unknown. ``progress`` and ``expected_progress``
    are fractions of the way from the start value to the target (SPEC §3.3).
    A node with status ``assumed`` (its actual is a planning assumption) has
    no expected value, progress or score. ``unscored_children`` are the
    children an objective's score leaves out, each with the reason in words.
    ``attribution`` holds the children's parts of the gap and, under
    :data:`goaltree.engine.attribution.OWN_PACE`, the rest. ``actual_source``
    names the metric source a measured actual comes from (a report tells live
    data from inline actuals by it).
    """

    id: str
    title: str
    type: str
    unit: str | None
    owner: str | None
    direction: str
    aggregate: str
    rollup: str
    formula: str | None
    weight: float
    baseline: float | None
    target: float | None
    target_origin: TargetOrigin | None
    target_derivation: Derivation | None
    deadline: dt.date
    actual: float | None
    actual_origin: ActualOrigin | None
    actual_derivation: Derivation | None
    measured_actual: float | None
    computed_actual: float | None
    start_value: float | None
    expected: float | None
    progress: float | None
    expected_progress: float | None
    status: Status
    forecast: float | None
    score: float | None
    attribution: dict[str, float]
    children: tuple[str, ...]
    parents: tuple[str, ...]
    formula_children: tuple[str, ...]
    rollup_children: tuple[str, ...]
    observations: tuple[Observation, ...] = ()
    breakdown: dict[str, float] = field(default_factory=dict)
    milestones: tuple[tuple[dt.date, float], ...] = ()
    unscored_children: dict[str, str] = field(default_factory=dict)
    actual_source: str | None = None
    """The metric source a measured actual was fetched from; ``None`` for inline actuals or an actual not measured."""
    counted_actual: float | None = None
    """For a node judged at its deadline, its value counting every row to the evaluation's last day, as the
    nodes above it count it, where that differs from ``actual`` (its value at its deadline); ``None`` otherwise."""

    @property
    def gap(self) -> float | None:
        """``actual - expected``, or ``None`` when either is unknown."""
        if self.actual is None or self.expected is None:
            return None
        return self.actual - self.expected


class Brief(NamedTuple):
    """What a table row of a node shows: its numbers and status, and where it sits in the tree."""

    target: float | None
    target_origin: TargetOrigin | None
    actual: float | None
    expected: float | None
    progress: float | None
    status: Status
    unit: str | None
    children: tuple[str, ...]
    parents: tuple[str, ...]

    @classmethod
    def of(cls, result: NodeResult) -> "Brief":
        return cls(
            result.target,
            result.target_origin,
            result.actual,
            result.expected,
            result.progress,
            result.status,
            result.unit,
            result.children,
            result.parents,
        )


class BriefColumns(NamedTuple):
    """Every node's :class:`Brief` a field at a time: ``target[i]`` is the target of ``ids[i]``, in goal-file order.

    A table of a large tree reads its numbers a column at a time, so the
    engine hands them over as lists instead of a row object per node. The
    fields after ``ids`` are :class:`Brief`'s, in its order.
    """

    ids: Sequence[str]
    target: Sequence[float | None]
    target_origin: Sequence[TargetOrigin | None]
    actual: Sequence[float | None]
    expected: Sequence[float | None]
    progress: Sequence[float | None]
    status: Sequence[Status]
    unit: Sequence[str | None]
    children: Sequence[tuple[str, ...]]
    parents: Sequence[tuple[str, ...]]

    @classmethod
    def of(cls, briefs: Mapping[str, Brief]) -> "BriefColumns":
        """The columns of ``briefs`` (node id -> its row), in their order."""
        if not briefs:
            return cls((), *([()] * len(Brief._fields)))
        return cls(tuple(briefs), *zip(*briefs.values()))

    def briefs(self) -> dict[str, Brief]:
        """Node id -> its :class:`Brief`, in goal-file order."""
        return dict(zip(self.ids, map(Brief._make, zip(*self[1:]))))


class NodeResults(Mapping[str, NodeResult]):
    """Node id -> :class:`NodeResult`, in goal-file order, each built when first read.

    A result holds a node's forecast, attribution, derivations and
    observations; a table of a large tree shows none of them, so the engine
    works them out for the nodes somebody reads. :meth:`brief` gives what a
    table row needs without building the result. Reading every result gives
    the same objects an eager dict would hold.
    """

    __slots__ = ("_ids", "_build", "_brief", "_brief_columns", "_json_fields", "_built")

    def __init__(
        self,
        ids: Mapping[str, object],
        build: Callable[..., NodeResult],
        brief: Callable[[str], Brief],
        brief_columns: Callable[[], BriefColumns] | None = None,
        json_fields: Callable[..., list[dict[str, Any]]] | None = None,
    ) -> None:
        """
        Args:
            ids: The node ids, in order (a goal file's ``nodes``).
            build: Node id -> its result; with ``observations=False``, its
                result without the observation series (see :meth:`read_through`).
            brief: Node id -> its table row.
            brief_columns: Every node's table row at once, as columns, when
                that is quicker than one by one.
            json_fields: Node ids and a rounding -> what the JSON shows of each,
                without building results (see :meth:`json_fields`).
        """
        self._ids = ids
        self._build = build
        self._brief = brief
        self._brief_columns = brief_columns
        self._json_fields = json_fields
        self._built: dict[str, NodeResult] = {}

    def __getitem__(self, node_id: str) -> NodeResult:
        result = self._built.get(node_id)
        if result is None:
            if node_id not in self._ids:
                raise KeyError(node_id)
            result = self._built[node_id] = self._build(node_id)
        return result

    def __iter__(self) -> Iterator[str]:
        return iter(self._ids)

    def __len__(self) -> int:
        return len(self._ids)

    def __contains__(self, node_id: object) -> bool:
        return node_id in self._ids

    def __repr__(self) -> str:
        return f"NodeResults({len(self)} nodes, {len(self._built)} built)"

    def __reduce__(self):
        return (dict, (dict(self.items()),))

    def read_through(self, node_ids: Iterable[str], *, observations: bool = True) -> Iterator[NodeResult]:
        """The results of ``node_ids`` in order, for a reader that reads each once.

        A result not built yet is built for this read and not kept: a writer
        going through every node of a large tree (the JSON of 100 000 nodes)
        then holds one result at a time instead of all of them. A result
        already built is the same object ``self[node_id]`` gives.

        Args:
            node_ids: The nodes to read, in this order.
            observations: ``False`` for a reader that never looks at
                ``observations`` (the JSON): a result built for this read then
                has none, and building each node's series is saved.

        Raises:
            KeyError: A node id not in the tree.
        """
        built = self._built
        for node_id in node_ids:
            result = built.get(node_id)
            if result is None:
                if node_id not in self._ids:
                    raise KeyError(node_id)
                result = self._build(node_id) if observations else self._build(node_id, observations=False)
            yield result

    def json_fields(
        self, node_ids: Sequence[str], rounding: Callable[[list[float | None]], list] | None = None
    ) -> list[dict[str, Any]] | None:
        """What the JSON shows of each of ``node_ids``; ``None`` when only results can tell.

        The engine works these fields out straight from its values, without
        building a result for each node (:func:`goaltree.engine.serialize.result_fields`
        gives the same from a result). ``rounding`` is given every number of
        the batch at once (a column of each number field, then the attributions'
        and breakdowns' values) and gives each one rounded, in order; without
        it the numbers are left as they are.

        Raises:
            KeyError: A node id not in the tree.
        """
        if self._json_fields is None:
            return None
        for node_id in node_ids:
            if node_id not in self._ids:
                raise KeyError(node_id)
        return self._json_fields(node_ids, rounding)

    def brief(self, node_id: str) -> Brief:
        """The node's table row, without building its result."""
        result = self._built.get(node_id)
        return self._brief(node_id) if result is None else Brief.of(result)

    def brief_columns(self) -> BriefColumns:
        """Every node's table row, as columns in goal-file order."""
        if self._brief_columns is not None:
            return self._brief_columns()
        brief = self._brief
        return BriefColumns.of({node_id: brief(node_id) for node_id in self._ids})

    def briefs(self) -> dict[str, Brief]:
        """Every node's table row, in goal-file order."""
        return self.brief_columns().briefs()


@dataclass(frozen=True)
class Evaluation:
    """The evaluated tree: results in goal-file order, and every diagnostic found.

    ``nodes`` is a mapping: the engine returns :class:`NodeResults`, which
    builds each result when it is first read; a plain dict works as well.
    """

    tree_id: str
    title: str
    as_of: dt.date
    period_start: dt.date
    period_end: dt.date
    nodes: Mapping[str, NodeResult]
    diagnostics: tuple[Diagnostic, ...]
    snapshot: dict | None = None
    negative_derived_targets: tuple[str, ...] = ()
    """Nodes whose derived (not declared) target is below zero, for the A005 check of ``goaltree evaluate``."""
    scenario: str | None = None
    """The scenario evaluated (``higher_conversion``, ``base, leads=900``); ``None`` for the plan itself."""
    language: str | None = None
    """The language its texts are written in when its caller chose none (the goal file's ``language:``)."""

    def to_json(self) -> str:
        """The evaluation as ``goaltree evaluate --format json`` prints it (SPEC §6), as text."""
        from goaltree.engine.serialize import evaluation_json_text

        with speaking(self.language):
            return evaluation_json_text(self)

    def to_frame(self) -> pandas.DataFrame:
        """A pandas DataFrame indexed by node id, with the JSON's node fields as columns.

        Raises:
            GoaltreeError: pandas is not installed (``pip install pandas``).
        """
        from goaltree.notebook import evaluation_frame

        with speaking(self.language):
            return evaluation_frame(self)

    def _repr_html_(self) -> str:
        """Jupyter shows an evaluation as a table of its nodes."""
        from goaltree.notebook import evaluation_html

        with speaking(self.language):
            return evaluation_html(self)

    @cached_property
    def roots(self) -> tuple[str, ...]:
        """Nodes with no parent in the tree (neither parent edge nor formula user)."""
        columns = self.brief_columns()
        return tuple(node_id for node_id, parents in zip(columns.ids, columns.parents) if not parents)

    def brief(self, node_id: str) -> Brief:
        """What a table row of ``node_id`` shows (cheaper than ``nodes[node_id]`` for the engine's results)."""
        nodes = self.nodes
        if isinstance(nodes, NodeResults):
            return nodes.brief(node_id)
        return Brief.of(nodes[node_id])

    def briefs(self) -> dict[str, Brief]:
        """Every node's table row, in goal-file order."""
        return self.brief_columns().briefs()

    def brief_columns(self) -> BriefColumns:
        """Every node's table row, as columns in goal-file order (cheaper than :meth:`briefs` for the engine's results)."""
        nodes = self.nodes
        if isinstance(nodes, NodeResults):
            return nodes.brief_columns()
        return BriefColumns.of({node_id: Brief.of(result) for node_id, result in nodes.items()})
