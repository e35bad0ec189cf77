"""parlint's built-in rules.

Registered through the ``parlint.rules`` entry-point group (see pyproject.toml), exactly as a
third-party rule package registers its own: the entry point names ``get_rules``.
"""

from __future__ import annotations

from linter.rule import Rule


def get_rules() -> list[type[Rule]]:
    from rules.par101_serialised_independent_calls import SerialisedIndependentCalls
    from rules.par102_serialised_subagents import SerialisedSubagents
    from rules.par103_serialised_checks import SerialisedChecks
    from rules.par201_dependent_calls_in_batch import DependentCallsInBatch
    from rules.par202_conflicting_edits import ConflictingEdits
    from rules.par203_shared_resource_contention import SharedResourceContention
    from rules.par301_ignored_failure import IgnoredFailure
    from rules.par302_uncollected_background_task import UncollectedBackgroundTask
    from rules.par303_parallel_retry_after_total_failure import ParallelRetryAfterTotalFailure
    from rules.par304_fan_out_too_wide import FanOutTooWide
    from rules.par305_trivial_subagent import TrivialSubagent
    from rules.par401_missing_validation import MissingValidation
    from rules.par001_unused_suppression import UnusedSuppression
    from rules.par501_plan_dependent_steps_in_parallel import PlanDependentStepsInParallel
    from rules.par502_plan_missed_parallelism import PlanMissedParallelism
    from rules.par503_plan_no_sync_point import PlanNoSyncPoint
    from rules.par504_plan_fan_out_too_wide import PlanFanOutTooWide
    from rules.par601_sequential_independent_awaits import SequentialIndependentAwaits
    from rules.par602_orphaned_task import OrphanedTask
    from rules.par603_unchecked_gather_results import UncheckedGatherResults
    from rules.par604_unbounded_fan_out import UnboundedFanOut
    from rules.par605_missing_timeout import MissingTimeout

    return [
        UnusedSuppression,
        SerialisedIndependentCalls, SerialisedSubagents, SerialisedChecks, DependentCallsInBatch,
        ConflictingEdits, SharedResourceContention, IgnoredFailure, UncollectedBackgroundTask,
        ParallelRetryAfterTotalFailure, FanOutTooWide,
        TrivialSubagent, MissingValidation,
        PlanDependentStepsInParallel, PlanMissedParallelism, PlanNoSyncPoint, PlanFanOutTooWide,
        SequentialIndependentAwaits, OrphanedTask, UncheckedGatherResults, UnboundedFanOut, MissingTimeout,
    ]
