"""Cold and warm start of a whole `plume run`: wall time and peak resident memory, as a new user meets them.

Each run is its own process. "Cold" points numba's cache at an empty folder, as after a fresh
install (every kernel compiles); "warm" runs again with that cache filled.

    python benchmarks/cold_start.py                        # configs/default.yaml, cold then warm twice
    python benchmarks/cold_start.py --scenario configs/collectors/wide_fast.yaml --warm 1
"""
from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]


def timed_run(scenario: Path, cache_dir: Path, output: Path, extra: list[str]) -> tuple[float, float, float]:
    """(wall seconds, peak RSS MiB, the largest peak RSS MiB of its child processes) of one `plume run` in its
    own process; the child is the compile helper of a first run (plume.compilation), which runs beside it."""
    env = {**os.environ, "NUMBA_CACHE_DIR": str(cache_dir)}
    command = [sys.executable, "-c", _CHILD, "run", str(scenario), "-q", "-o", str(output), *extra]
    started = time.perf_counter()
    done = subprocess.run(command, env=env, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    wall = time.perf_counter() - started
    peaks = dict(line.split("=") for line in done.stderr.splitlines() if line.startswith("PEAK_RSS"))
    return wall, float(peaks["PEAK_RSS_KIB"]) / 1024.0, float(peaks["PEAK_RSS_CHILDREN_KIB"]) / 1024.0


# the `plume` command, reporting its own peak resident memory when it exits
_CHILD = """
import atexit, resource, sys
def peaks():
    print(f"PEAK_RSS_KIB={resource.getrusage(resource.RUSAGE_SELF).ru_maxrss}", file=sys.stderr)
    print(f"PEAK_RSS_CHILDREN_KIB={resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss}", file=sys.stderr)
atexit.register(peaks)
from plume.cli import app
sys.argv[0] = "plume"
app()
"""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--scenario", type=Path, default=REPO / "configs" / "default.yaml")
    parser.add_argument("--warm", type=int, default=2, help="warm runs after the cold one")
    parser.add_argument("--particles", type=int, default=None)
    args = parser.parse_args()
    extra = [] if args.particles is None else ["--particles", str(args.particles)]
    print(f"| run | wall s | peak RSS MiB | compile helper's peak RSS MiB |  ({args.scenario.name}, "
          f"{os.cpu_count()} cores)")
    print("|---|---:|---:|---:|")
    with tempfile.TemporaryDirectory() as tmp:
        cache, output = Path(tmp) / "numba-cache", Path(tmp) / "out"
        wall, peak, helper = timed_run(args.scenario, cache, output, extra)
        print(f"| cold (empty numba cache) | {wall:.1f} | {peak:.0f} | {helper:.0f} |", flush=True)
        for i in range(args.warm):
            wall, peak, helper = timed_run(args.scenario, cache, output, extra)
            print(f"| warm {i + 1} | {wall:.1f} | {peak:.0f} | {helper:.0f} |", flush=True)


if __name__ == "__main__":
    main()
