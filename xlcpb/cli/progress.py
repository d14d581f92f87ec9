"""A progress bar on stderr for long work, shown only when stderr is a terminal."""

from __future__ import annotations

import sys
import time


class ProgressBar:
    WIDTH = 30

    def __init__(self, label: str, stream=None, unit: str = "MB", scale: float = 1e6) -> None:
        self.label, self.unit, self.scale = label, unit, scale
        self.stream = stream or sys.stderr
        self.start = time.perf_counter()
        self.active = hasattr(self.stream, "isatty") and self.stream.isatty()

    def __call__(self, done: int, total: int) -> None:
        if not self.active or total <= 0:
            return
        fraction = min(done / total, 1.0)
        filled = int(self.WIDTH * fraction)
        elapsed = max(time.perf_counter() - self.start, 1e-9)
        rate = done / elapsed / self.scale
        self.stream.write(f"\r{self.label} [{'#' * filled}{'.' * (self.WIDTH - filled)}] "
                          f"{fraction:6.1%}  {done / self.scale:,.0f}/{total / self.scale:,.0f} "
                          f"{self.unit}  {rate:,.0f} {self.unit}/s")
        if done >= total:
            self.stream.write("\n")
        self.stream.flush()
