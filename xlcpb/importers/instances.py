"""Which accelerator a cloud instance type (or SKU description) carries, and how many.

The vendor files name instances ("p4d.24xlarge") or SKUs ("Nvidia Tesla A100 GPU running in
Americas"), not chips; ``xlcpb/data/instance_types.csv`` maps them, one sourced row per
pattern.
"""

from __future__ import annotations

from ..data.instance_types import accelerator

__all__ = ["accelerator", "accelerator_or_skip"]


def accelerator_or_skip(provider: str, name: str, report, label: str, reason: str):
    """:func:`accelerator`, or None after recording in ``report`` why the row is skipped."""
    found = accelerator(provider, name)
    if found is None:
        report.skip(reason, label)
    return found
