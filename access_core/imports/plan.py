"""What an import would do, as plain values: the preview that ``imports.apply`` writes.

A plan is computed by ``imports.preview`` from a snapshot of the learners; every learner it
changes carries that snapshot (``Existing``), so that applying it can refuse to write over a
learner changed since (another administrator's import, a correction).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import date, datetime

from access_core.imports.rows import RosterRow, RowProblem
from access_core.roster.names import full_name

DEFAULT_MAX_DEACTIVATION_PERCENT = 10
NO_ROWS = "import_no_rows"
NEEDS_CONFIRMATION = "import_needs_confirmation"
ROWS_REJECTED = "import_rows_rejected"
CHANGED_MEANWHILE = "import_changed_meanwhile"


@dataclass(frozen=True)
class Existing:
    """A learner as the preview saw it."""

    id: int
    external_id: str | None
    last_name: str
    first_name: str
    birth_date: date | None
    login: str
    class_id: int | None
    class_name: str | None
    deactivated_at: datetime | None
    must_change_password: bool
    school_id: int


@dataclass(frozen=True)
class Change:
    """One learner's planned change. ``learner`` is None for a new learner; ``problem`` is the
    rejected line of a learner kept because of it."""

    row: RosterRow | None
    learner: Existing | None
    login: str
    fields: dict[str, object] = field(default_factory=dict)  # column -> new value
    problem: RowProblem | None = None

    @property
    def name(self) -> str:
        source = self.row or self.learner
        return full_name(source.last_name, source.first_name) if source else self.login

    @property
    def line(self) -> int | None:
        if self.row is not None:
            return self.row.line
        return self.problem.line if self.problem else None


@dataclass
class ImportPlan:
    new: list[Change] = field(default_factory=list)
    updated: list[Change] = field(default_factory=list)
    moved: list[Change] = field(default_factory=list)
    reactivated: list[Change] = field(default_factory=list)
    deactivated: list[Change] = field(default_factory=list)
    rejected: list[RowProblem] = field(default_factory=list)
    # learners still on their initial password whose birth date is corrected: it moves along
    initial_password_moved: list[Change] = field(default_factory=list)
    # active learners absent from the valid rows but named by a rejected row: never deactivated
    kept: list[Change] = field(default_factory=list)
    # learners another school deactivated, taken over by this one (``imports.by_school``)
    transferred: list[Change] = field(default_factory=list)
    unchanged: int = 0
    partial: bool = False
    new_classes: list[str] = field(default_factory=list)
    active_learners: int = 0
    max_deactivation_percent: int = DEFAULT_MAX_DEACTIVATION_PERCENT
    # the school imported into (set by the preview; 0: none, which ``apply`` refuses)
    school_id: int = 0

    @property
    def changes(self) -> list[Change]:
        """Every learner to write, each once (a learner may be moved and updated)."""
        seen: dict[int, Change] = {}
        every = self.updated + self.moved + self.reactivated + self.deactivated + self.transferred
        for change in every:
            if change.learner is not None:
                merged = seen.get(change.learner.id)
                fields = {**(merged.fields if merged else {}), **change.fields}
                seen[change.learner.id] = Change(change.row, change.learner, change.login, fields)
        return list(seen.values())

    @property
    def sections(self) -> tuple[tuple[str, list[Change]], ...]:
        """The plan's lists as a preview shows them, in order, each with its code (``new``,
        ``updated``, ``moved``, ``reactivated``, ``deactivated``, ``password_moved``,
        ``kept``, ``transferred``): the page and the command line word the same sections."""
        return (
            ("new", self.new),
            ("updated", self.updated),
            ("moved", self.moved),
            ("reactivated", self.reactivated),
            ("deactivated", self.deactivated),
            ("password_moved", self.initial_password_moved),
            ("kept", self.kept),
            ("transferred", self.transferred),
        )

    @property
    def totals(self) -> tuple[tuple[str, int], ...]:
        """How many learners each outcome concerns, in the order a preview sums them up, each
        with its code: the page's figures and the command line's table are the same list."""
        return (
            ("new", len(self.new)),
            ("updated", len(self.updated)),
            ("moved", len(self.moved)),
            ("reactivated", len(self.reactivated)),
            ("deactivated", len(self.deactivated)),
            ("unchanged", self.unchanged),
            ("rejected", len(self.rejected)),
        )

    @property
    def has_changes(self) -> bool:
        return bool(self.new or self.changes)

    @property
    def needs_confirmation(self) -> bool:
        """True when the import deactivates more than the allowed share of active learners:
        applying it then takes an explicit confirmation (``force``)."""
        count = len(self.deactivated)
        return count > 0 and count * 100 > self.max_deactivation_percent * self.active_learners

    @property
    def signature(self) -> str:
        """A digest of every decision: two previews with the same signature apply the same."""

        def who(change: Change) -> int | None:
            return change.learner.id if change.learner else None

        decisions = (
            [("school", self.school_id)]
            + [("new", c.line, c.login, c.row.class_name if c.row else None) for c in self.new]
            + [("change", who(c), sorted(map(repr, c.fields.items()))) for c in self.changes]
            + [("initial", who(c)) for c in self.initial_password_moved]
            + [("kept", who(c)) for c in self.kept]
            + [("rejected", p.line, p.reason) for p in self.rejected]
        )
        return hashlib.sha256(repr(decisions).encode()).hexdigest()


def blockers(plan: ImportPlan, skip_bad_rows: bool = False, force: bool = False) -> tuple[str, ...]:
    """Why ``plan`` may not be applied as asked, as codes (none: it may): ``ROWS_REJECTED``
    while rows are rejected and not skipped, ``NEEDS_CONFIRMATION`` while it deactivates more
    than the allowed share of learners and is not forced. The one rule: ``apply`` refuses
    exactly these, the page greys its button and the command line stops on them."""
    reasons = []
    if plan.rejected and not skip_bad_rows:
        reasons.append(ROWS_REJECTED)
    if plan.needs_confirmation and not force:
        reasons.append(NEEDS_CONFIRMATION)
    return tuple(reasons)
