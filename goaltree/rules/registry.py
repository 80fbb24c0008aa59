"""The registry: every code goaltree reports, in one literal tuple.

Rules that check something run in this order; the others document a code
another module reports. ``goaltree rules`` and ``docs/rules.md`` list them all.
"""

from __future__ import annotations

from goaltree.rules import achievable, derived, direction, measurable, relevant, specific, structure, timebound
from goaltree.rules.base import Rule

DEFAULT_RULES: tuple[type[Rule], ...] = (
    specific.VagueTitle,
    specific.KpiTitleWithoutQuantity,
    specific.MissingOwner,
    specific.TitleContradictsTarget,
    specific.TitleContradictsDirection,
    measurable.KpiWithoutUnit,
    measurable.KpiWithoutTarget,
    measurable.KpiWithoutData,
    measurable.RateSummedOverTime,
    measurable.MixedUnits,
    measurable.PercentAtWrongScale,
    achievable.TargetChangeBeyondBound,
    achievable.GrowthAboveTrend,
    achievable.ContradictingTargets,
    achievable.ActualsDisagree,
    derived.ImpossibleDerivedTarget,
    direction.DirectionAgainstTarget,
    relevant.DisconnectedNode,
    relevant.TooManyChildren,
    timebound.DeadlineOutsidePeriod,
    timebound.MilestonesOutOfOrder,
    timebound.MilestoneOutsidePeriod,
    structure.MalformedDocument,
    structure.UnknownField,
    structure.BadValue,
    structure.UnknownId,
    structure.DuplicateId,
    structure.Cycle,
    structure.FormulaSyntax,
    structure.DivisionByZero,
    structure.FormulaAndRollup,
    structure.UnderdeterminedTargets,
    structure.FormatVersion,
    structure.SourceFailed,
    structure.AliasBomb,
    structure.BadNodeId,
    structure.UnknownCatalogueKpi,
    structure.MetricInvalid,
    structure.SourceConfig,
    structure.MetricMismatch,
    structure.SandboxRefused,
    structure.UnknownRule,
    structure.UnknownOption,
    structure.BadOptionValue,
    structure.NotConfigurable,
    structure.UnusedSuppression,
    structure.SuppressionWithoutReason,
    structure.NumberOverflow,
    structure.RuleCrashed,
    structure.StaleSnapshot,
    structure.UnknownScenarioNode,
    structure.LinkLeavesProject,
)
