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
    from rules.par301_ignored_failure import IgnoredFailure
    from rules.par304_fan_out_too_wide import FanOutTooWide
    from rules.par401_missing_validation import MissingValidation

    return [
        SerialisedIndependentCalls, SerialisedSubagents, SerialisedChecks, DependentCallsInBatch,
        ConflictingEdits, IgnoredFailure, FanOutTooWide, MissingValidation,
    ]
