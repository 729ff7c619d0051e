"""Long runs: wall time and peak resident memory of configs/long/year.yaml cut to N days.

Each length runs as its own `plume run` process with a warm numba cache. The particle count is
scaled with the length (the same particles per day as the 365-day scenario) and so is the
collector's stop time, so the runs differ only in how long they are: with the records streamed to
disk (plume.records) the peak memory should not grow with the length.

    python benchmarks/long_run.py                      # 30 and 120 days
    python benchmarks/long_run.py --days 30 120 365    # and the whole year
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
SCENARIO = REPO / "configs" / "long" / "year.yaml"

# the `plume` command, reporting its own peak resident memory when it exits
_CHILD = """
import atexit, resource, sys
atexit.register(lambda: print(f"PEAK_RSS_KIB={resource.getrusage(resource.RUSAGE_SELF).ru_maxrss}", file=sys.stderr))
from plume.cli import app
sys.argv[0] = "plume"
app()
"""


def run_days(days: float, particles_per_year: int, output: Path, threads: int | None) -> tuple[float, float, int]:
    """(wall s, peak RSS MiB, result file bytes) of the year scenario cut to `days`."""
    hours = days * 24.0
    particles = max(int(round(particles_per_year * days / 365.0)), 1)
    command = [sys.executable, "-c", _CHILD, "run", str(SCENARIO), "-q", "-o", str(output),
               "--particles", str(particles), "--set", f"time.duration_h={hours:g}",
               "--set", f"sources[0].stop_h={hours:g}"]
    if threads:
        command += ["--threads", str(threads)]
    started = time.perf_counter()
    done = subprocess.run(command, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    wall = time.perf_counter() - started
    peak_kib = [line.split("=")[1] for line in done.stderr.splitlines() if line.startswith("PEAK_RSS_KIB=")]
    size = (output / "year.nc").stat().st_size
    return wall, float(peak_kib[-1]) / 1024.0, size


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--days", type=float, nargs="+", default=[30.0, 120.0])
    parser.add_argument("--particles-per-year", type=int, default=4_000_000)
    parser.add_argument("--threads", type=int, default=None)
    args = parser.parse_args()
    print(f"| days | particles | wall s | peak RSS MiB | result MB |  ({SCENARIO.name}, {os.cpu_count()} cores)")
    print("|---:|---:|---:|---:|---:|")
    for days in args.days:
        with tempfile.TemporaryDirectory() as tmp:
            wall, peak, size = run_days(days, args.particles_per_year, Path(tmp), args.threads)
        particles = int(round(args.particles_per_year * days / 365.0))
        print(f"| {days:g} | {particles:,} | {wall:.0f} | {peak:.0f} | {size / 1e6:.0f} |", flush=True)


if __name__ == "__main__":
    main()
