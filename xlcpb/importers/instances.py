"""Which accelerator a cloud instance type (or SKU description) carries, and how many.

The vendor files name instances ("p4d.24xlarge") or SKUs ("Nvidia Tesla A100 GPU running in
Americas"), not chips; ``xlcpb/data/instance_types.csv`` maps them, one sourced row per
pattern.
"""

from __future__ import annotations

import csv
import io
import re
from functools import lru_cache

from ..data.bundled import bundled_text


@lru_cache(maxsize=1)
def _patterns() -> list[tuple[str, re.Pattern, str, int]]:
    text = bundled_text("instance_types.csv")
    return [(row["provider"], re.compile(row["pattern"]), row["hardware_id"],
             int(row["devices_per_instance"])) for row in csv.DictReader(io.StringIO(text))]


def accelerator(provider: str, name: str) -> tuple[str, int] | None:
    """(hardware id, devices per instance) for a provider's instance or SKU name, or None."""
    for who, pattern, hardware_id, devices in _patterns():
        if who == provider and pattern.search(name):
            return hardware_id, devices
    return None


def accelerator_or_skip(provider: str, name: str, report, label: str, reason: str):
    """:func:`accelerator`, or None after recording in ``report`` why the row is skipped."""
    found = accelerator(provider, name)
    if found is None:
        report.skip(reason, label)
    return found
