"""A progress bar on stderr for long work, shown only when stderr is a terminal."""

from __future__ import annotations

import sys
import time


class ProgressBar:
    WIDTH = 30

    def __init__(self, label: str, stream=None) -> None:
        self.label = label
        self.stream = stream or sys.stderr
        self.start = time.perf_counter()
        self.active = hasattr(self.stream, "isatty") and self.stream.isatty()

    def __call__(self, done: int, total: int) -> None:
        if not self.active or total <= 0:
            return
        fraction = min(done / total, 1.0)
        filled = int(self.WIDTH * fraction)
        elapsed = max(time.perf_counter() - self.start, 1e-9)
        rate = done / elapsed / 1e6
        self.stream.write(f"\r{self.label} [{'#' * filled}{'.' * (self.WIDTH - filled)}] "
                          f"{fraction:6.1%}  {done / 1e6:,.0f}/{total / 1e6:,.0f} MB  "
                          f"{rate:,.0f} MB/s")
        if done >= total:
            self.stream.write("\n")
        self.stream.flush()
