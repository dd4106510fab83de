"""How fast the command line answers: wall time and peak memory of ``ediary --help`` and
``ediary status`` (goal: under 0.5 s and 80 MB on an idle machine), each the median of
several runs in fresh processes, printed beside the machine's load average.

    .venv/bin/python benchmarks/cli_benchmark.py [--runs 5]

``status`` runs against a migrated SQLite database in a temporary directory, so the figure
includes opening the database and asking for the queue's state, as an operator would.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

GOAL_SECONDS = 0.5
GOAL_MEGABYTES = 80.0
# One process per run: resource.getrusage(RUSAGE_CHILDREN) keeps the largest child's peak,
# so each run is measured through a small wrapper that reports its own child alone.
WRAPPER = """
import resource, subprocess, sys, time
started = time.perf_counter()
subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True)
elapsed = time.perf_counter() - started
peak_kib = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
print(elapsed, peak_kib / 1024)
"""


def measure(command: list[str], env: dict[str, str], cwd: Path) -> tuple[float, float]:
    done = subprocess.run(
        [sys.executable, "-c", WRAPPER, *command],
        env=env, cwd=cwd, capture_output=True, text=True, check=True,
    )  # fmt: skip
    seconds, megabytes = done.stdout.split()
    return float(seconds), float(megabytes)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    runs = parser.parse_args().runs
    ediary = [sys.executable, "-m", "bot"]
    with tempfile.TemporaryDirectory(prefix="ediary-cli-bench-") as directory:
        cwd = Path(directory)
        env = {
            **os.environ,
            "DATABASE_URL": f"sqlite+aiosqlite:///{cwd / 'ediary.sqlite3'}",
            "PYTHONPATH": str(Path(__file__).resolve().parent.parent),
        }
        env.pop("BOT_TOKEN", None)
        subprocess.run([*ediary, "migrate"], env=env, cwd=cwd, capture_output=True, check=True)
        print(f"load average {' '.join(f'{x:.2f}' for x in os.getloadavg())}; "
              f"{os.cpu_count()} cores; median of {runs} runs")  # fmt: skip
        for name, args in (("ediary --help", ["--help"]), ("ediary status", ["status"])):
            samples = [measure([*ediary, *args], env, cwd) for _ in range(runs)]
            seconds = statistics.median(s for s, _m in samples)
            megabytes = statistics.median(m for _s, m in samples)
            print(
                f"{name:<14} {seconds:6.2f} s (goal < {GOAL_SECONDS} s)   "
                f"{megabytes:6.1f} MB peak (goal < {GOAL_MEGABYTES:.0f} MB)"
            )


if __name__ == "__main__":
    main()
