"""Benchmark: how long the ``xlcpb`` command takes to start, against bare Python + numpy.

Prints the best wall time of ``xlcpb --help``, ``xlcpb llm ...`` and ``xlcpb estimate ...``
next to ``python -c "import numpy"`` (the floor for any command that computes), measured
alternately so that machine drift hits all alike, and their ratios (goal: within 2x).
Run: ``.venv/bin/python tests/bench/bench_startup.py``
"""

import subprocess
import sys
import time

REPEATS = 15
PYTHON = sys.executable
COMMANDS = {
    'python -c "import numpy"': [PYTHON, "-c", "import numpy"],
    "xlcpb --help": [PYTHON, "-m", "xlcpb", "--help"],
    'xlcpb llm "Llama-3.1-8B" "H100 SXM"': [PYTHON, "-m", "xlcpb", "llm", "Llama-3.1-8B",
                                            "H100 SXM"],
    "xlcpb estimate (paper's text case)": [PYTHON, "-m", "xlcpb", "estimate", "--tokens",
                                            "1000", "--params", "1.5e9", "--flops-per-s",
                                            "65e12", "--price-per-hour", "0.5"],
}


def run_once(command) -> float:
    start = time.perf_counter()
    subprocess.run(command, check=True, stdout=subprocess.DEVNULL)
    return time.perf_counter() - start


def main() -> None:
    best = {label: float("inf") for label in COMMANDS}
    for _ in range(REPEATS):
        for label, command in COMMANDS.items():
            best[label] = min(best[label], run_once(command))
    floor = best['python -c "import numpy"']
    print(f"{'command':<40} {'best [s]':>9} {'x numpy':>8}")
    for label, seconds in best.items():
        print(f"{label:<40} {seconds:>9.3f} {seconds / floor:>8.2f}")
    print("goal: every xlcpb command within 2x of python -c \"import numpy\"")


if __name__ == "__main__":
    main()
