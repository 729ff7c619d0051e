"""Convergence of the threshold areas with the particle count (N, 2N, 4N, 8N), the grid cell and the time step.

    python benchmarks/convergence.py                                   # default.yaml and narrow_slow.yaml
    python benchmarks/convergence.py configs/default.yaml --base 25000 \\
        --set time.duration_h=12 --set sources[0].stop_h=12 --set sources[1].stop_h=12
    python benchmarks/convergence.py configs/collectors/wide_fast.yaml --counts 240000 960000
    python benchmarks/convergence.py configs/default.yaml --resolutions 100 50 25   # grid cell (m)
    python benchmarks/convergence.py configs/default.yaml --steps 120 60 30         # model time step (s)

For each config and particle count it runs the scenario (no files written) and prints every threshold
area (deposit and near-bed SSC) with its standard error from the particle groups (docs/outputs.md),
the run's wall time, and, for 4N and 8N, the change from N and 2N (the particle count times four): the
issue's aim is every area changing by less than 5 %. --set shortens runs to keep them feasible; the
README's "Convergence" section says what was run and on what machine. On a 2-core machine the default
scenario at 800,000 particles took about 9 minutes (0.85 GB resident); a collector design at 480,000,
about 3 minutes.
"""
from __future__ import annotations

import argparse
import os
import platform
import re
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

from plume.analysis import metric_rows  # noqa: E402
from plume.output import build_dataset  # noqa: E402
from plume.scenario import load_scenario  # noqa: E402
from plume.solver import Simulation  # noqa: E402

AREA = re.compile(r"^(deposit|ssc)_area_([0-9.e+-]+)(mm|mg_l)_m2$")
DEFAULT_CONFIGS = {
    "configs/default.yaml": ["time.duration_h=12", "sources[0].stop_h=12", "sources[1].stop_h=12"],
    "configs/collectors/narrow_slow.yaml": ["time.duration_h=12", "sources[0].stop_h=12"],
}


def areas(scenario) -> tuple[dict, float]:
    """Every threshold area (m2) with its standard error, and the wall time (s) of the run."""
    started = time.perf_counter()
    sim = Simulation(scenario)
    sim.run()
    rows = metric_rows(build_dataset(sim))
    wall = time.perf_counter() - started
    return {m.name: (m.value, m.uncertainty) for m in rows if AREA.match(m.name)}, wall


def label(name: str) -> str:
    kind, value, unit = AREA.match(name).groups()
    return f"{'deposit' if kind == 'deposit' else 'SSC'} ≥ {value} {'mm' if unit == 'mm' else 'mg/L'}"


def table(config: str, head: str, rows: list[str], results: list[tuple[dict, float]],
          pairs: list[tuple[int, int]]) -> str:
    """A Markdown table: one row per run, then the relative change of every area for each pair."""
    names = list(results[0][0])
    columns = [head, "wall (s)"] + [f"{label(n)} (km²)" for n in names]
    lines = [f"\n{config}", "| " + " | ".join(columns) + " |", "|" + "---:|" * len(columns)]
    for row, (values, wall) in zip(rows, results):
        cells = [f"{v / 1e6:.4g} ± {se / 1e6:.2g}" for v, se in (values[k] for k in names)]
        lines.append(f"| {row} | {wall:.0f} | " + " | ".join(cells) + " |")
    for i, j in pairs:
        changes = []
        for k in names:
            before, after = results[i][0][k][0], results[j][0][k][0]
            changes.append(f"{100.0 * (after - before) / before:+.1f} %" if before > 0 else "-")
        lines.append(f"| {rows[i]} → {rows[j]} | | " + " | ".join(changes) + " |")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("configs", nargs="*", help="scenario files (default: default.yaml and narrow_slow.yaml, "
                                                   "shortened to 12 h)")
    parser.add_argument("--base", type=int, default=25000, help="N, the smallest particle count (default 25000)")
    parser.add_argument("--set", dest="settings", action="append", default=None, metavar="KEY.PATH=VALUE",
                        help="override a scenario key in every config (as plume run --set)")
    parser.add_argument("--counts", type=int, nargs="+", metavar="N",
                        help="these particle counts instead of N, 2N, 4N, 8N")
    parser.add_argument("--resolutions", type=float, nargs="+", metavar="METRES",
                        help="vary the grid cell (m) at each config's own particle count instead")
    parser.add_argument("--steps", type=float, nargs="+", metavar="SECONDS",
                        help="vary the model time step (s; each must divide output_every_s) at each config's own "
                             "particle count instead")
    args = parser.parse_args()
    configs = {c: args.settings or [] for c in args.configs} if args.configs else \
        {str(HERE.parent / c): s + (args.settings or []) for c, s in DEFAULT_CONFIGS.items()}
    counts = args.counts or [args.base * k for k in (1, 2, 4, 8)]
    varied = (f"grid cells {args.resolutions} m" if args.resolutions else f"time steps {args.steps} s" if args.steps
              else f"N = {counts}")
    print(f"plume convergence: {varied}; {platform.processor() or platform.machine()}, {os.cpu_count()} CPUs, "
          f"load average {os.getloadavg()[0]:.1f} at the start")
    for config, settings in configs.items():
        base = load_scenario(Path(config), settings)
        print(f"{config}: --set {' '.join(settings) or '(none)'}; SSC estimator {base.output.ssc_estimator}, "
              f"deposit estimator {base.output.deposit_estimator}, processes read the "
              f"{base.particles.local_concentration}, {base.particles.groups} groups, "
              f"{base.particles.count:,} particles, {base.grid.resolution_m:g} m cells", flush=True)
        if args.resolutions:  # each cell against the one before it
            head, rows = "grid cell", [f"{r:g} m" for r in args.resolutions]
            runs = [load_scenario(Path(config), settings + [f"grid.resolution_m={r:g}"]) for r in args.resolutions]
            pairs = [(i - 1, i) for i in range(1, len(rows))]
        elif args.steps:  # each step against the one before it
            head, rows = "time step", [f"{dt:g} s" for dt in args.steps]
            runs = [load_scenario(Path(config), settings + [f"time.step_s={dt:g}"]) for dt in args.steps]
            pairs = [(i - 1, i) for i in range(1, len(rows))]
        else:  # each count against the one a quarter of it
            head, rows = "N", [f"{n:,}" for n in counts]
            runs = [base.with_overrides(particles=n, seed=None, output_directory=None) for n in counts]
            pairs = [(counts.index(n // 4), i) for i, n in enumerate(counts) if n % 4 == 0 and n // 4 in counts]
        results = []
        for row, scenario in zip(rows, runs):
            results.append(areas(scenario))
            print(f"  {head} {row}: {results[-1][1]:.0f} s", flush=True)
        print(table(config, head, rows, results, pairs), flush=True)


if __name__ == "__main__":
    main()
