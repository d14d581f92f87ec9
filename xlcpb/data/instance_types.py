"""Which accelerator a cloud instance type (or SKU description) carries, and how many:
``instance_types.csv``, one sourced row per provider and name pattern."""

from __future__ import annotations

import csv
import io
import re
from functools import lru_cache

from ..errors import CPBError
from .bundled import bundled_text


@lru_cache(maxsize=1)
def instance_patterns() -> list[tuple[str, re.Pattern, str, int]]:
    """(provider, name pattern, hardware id, devices per instance) of every row."""
    text = bundled_text("instance_types.csv")
    return [(row["provider"], re.compile(row["pattern"]), row["hardware_id"],
             int(row["devices_per_instance"])) for row in csv.DictReader(io.StringIO(text))]


def accelerator(provider: str, name: str) -> tuple[str, int] | None:
    """(hardware id, devices per instance) for a provider's instance or SKU name, or None."""
    for who, pattern, hardware_id, devices in instance_patterns():
        if who == provider and pattern.search(name):
            return hardware_id, devices
    return None


def instance_accelerator(name: str) -> tuple[str, int]:
    """(hardware id, devices per instance) of an instance type of any provider ("p5.48xlarge").

    >>> instance_accelerator("p4d.24xlarge")
    ('a100-sxm4-40gb', 8)
    """
    for _, pattern, hardware_id, devices in instance_patterns():
        if pattern.search(name):
            return hardware_id, devices
    raise CPBError(f"instance_type = {name!r}: not an accelerator instance type the package "
                   "knows.", argument="instance_type", value=name,
                   fix="Use one of instance_types.csv (p4d.24xlarge, p5.48xlarge, ...) or "
                       "leave instance_type blank to rent single devices.")
