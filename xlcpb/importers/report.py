"""What an import read, accepted, skipped, converted and found in conflict."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

EXAMPLES_PER_REASON = 3


@dataclass
class ImportReport:
    source: str
    format: str = ""
    rows_read: int = 0
    accepted: dict = field(default_factory=lambda: {})     # kind -> list of rows
    details: dict = field(default_factory=lambda: {})      # kind -> list of how each was derived
    skipped: Counter = field(default_factory=Counter)      # reason -> count
    skipped_examples: dict = field(default_factory=dict)   # reason -> first few row labels
    conversions: Counter = field(default_factory=Counter)  # "per month -> per hour" -> count
    conflicts: list = field(default_factory=list)          # filled when applied
    notes: list = field(default_factory=list)

    def accept(self, kind: str, row: dict, detail: str) -> None:
        self.accepted.setdefault(kind, []).append(row)
        self.details.setdefault(kind, []).append(detail)

    def skip(self, reason: str, example: str = "") -> None:
        self.skipped[reason] += 1
        examples = self.skipped_examples.setdefault(reason, [])
        if example and len(examples) < EXAMPLES_PER_REASON:
            examples.append(example)

    def converted(self, what: str) -> None:
        self.conversions[what] += 1

    @property
    def accepted_count(self) -> int:
        return sum(len(rows) for rows in self.accepted.values())
