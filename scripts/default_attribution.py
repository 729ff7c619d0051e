"""What each near-bed physics choice of configs/default.yaml does to its deposit areas.

Runs the default scenario as shipped, then once with each choice undone (one at a time), and
prints the deposit areas, the deposited and exited shares and the wall time of each run as a
Markdown table. The particle count and duration can be reduced for a quick look:

    python scripts/default_attribution.py [--particles 50000] [--hours 48] [--threads 1]

The areas carry the particle noise of the count used: compare differences with the spread of
`--seed` repeats before reading much into a few per cent.
"""
from __future__ import annotations

import argparse
import time

import numba

from plume.scenario import load_scenario
from plume.solver import run

CHANGES = {
    "as shipped": [],
    "absorbing bed (not flux)": ["sediment.deposition.condition=absorbing"],
    "no terrain-following flow": ["currents.terrain_following=null"],
    "no abyssal hills": ["bathymetry.abyssal_hills=null"],
    "no Okubo scale-dependent mixing": ["turbulence.horizontal_scale_dependent=null"],
    "no density damping": ["turbulence.density_damping=null"],
}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--particles", type=int, default=50000)
    parser.add_argument("--hours", type=float, default=48.0)
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    numba.set_num_threads(args.threads)
    rows = []
    for label, settings in CHANGES.items():
        scenario = load_scenario("configs/default.yaml", [
            f"particles.count={args.particles}", f"particles.seed={args.seed}", f"time.duration_h={args.hours}",
            *settings])
        started = time.perf_counter()
        result = run(scenario, write=False)
        wall = time.perf_counter() - started
        ds = result.dataset
        released = float(ds.mass_released[-1])
        areas = [float(a) / 1e6 for a in ds.deposit_area[-1].values]
        rows.append((label, *areas, 100 * float(ds.mass_deposited[-1]) / released,
                     100 * float(ds.mass_exited[-1]) / released, wall))
        print(f"done: {label} ({wall:.0f} s)", flush=True)
    thresholds = [f"≥ {1000 * t:g} mm (km²)" for t in ds.deposit_threshold.values]
    head = ["run", *thresholds, "deposited (%)", "exited (%)", "wall (s)"]
    print("| " + " | ".join(head) + " |")
    print("|---|" + "---:|" * (len(head) - 1))
    for row in rows:
        cells = [row[0]] + [f"{v:.3g}" for v in row[1:-3]] + [f"{row[-3]:.1f}", f"{row[-2]:.2f}", f"{row[-1]:.0f}"]
        print("| " + " | ".join(cells) + " |")
    print(f"\n{args.particles} particles, {args.hours:g} h, seed {args.seed}, {args.threads} thread(s)")


if __name__ == "__main__":
    main()
