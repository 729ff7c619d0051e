"""Particle-steps per second and memory of plume's full-physics step.

The default scenario's kernels (3-D RK4 in tides with a log bottom layer,
horizontal and vertical random walks with a K(z) profile, settling, the seabed)
with every particle released at once, timed apart from setup and compilation.

    python benchmarks/bench_step.py                      # 1e5 and 1e6 particles, 1 and 2 threads
    python benchmarks/bench_step.py --particles 1e6 --steps 50
"""
from __future__ import annotations

import argparse
import platform
import resource
import time
import tracemalloc
from pathlib import Path

import numba
import numpy as np

from plume.scenario import load_scenario
from plume.solver import Simulation

DEFAULT = Path(__file__).resolve().parents[1] / "configs" / "default.yaml"


def measure(scenario_path: Path, n_particles: int, n_steps: int, threads: list[int]) -> list[dict]:
    scenario = load_scenario(scenario_path).with_overrides(particles=n_particles)
    tracemalloc.start()
    sim = Simulation(scenario)
    sim.compile()  # compile (or load the cache) outside the timing
    sim.release_due(np.inf)  # everything in the water at once: the steady cost of a step
    setup_peak = tracemalloc.get_traced_memory()[1]
    rows = []
    for n_threads in threads:
        numba.set_num_threads(n_threads)
        steps_before = sim.particle_steps  # counts the particles actually stepped (some deposit meanwhile)
        started = time.perf_counter()
        for step in range(n_steps):
            sim.step(step)
        elapsed = time.perf_counter() - started
        started = time.perf_counter()
        sim.record(0)  # SSC binning, deposits and budget at one output time (serial, particle order)
        record_s = time.perf_counter() - started
        rows.append({
            "record_s": record_s,
            "particles": n_particles, "threads": n_threads,
            "particle_steps_per_s": (sim.particle_steps - steps_before) / elapsed,
            "bytes_per_particle_state": sim.particles.bytes_per_particle,
            "traced_peak_bytes_per_particle": setup_peak / n_particles,
        })
    tracemalloc.stop()
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--scenario", type=Path, default=DEFAULT)
    parser.add_argument("--particles", type=float, nargs="+", default=[1e5, 1e6])
    parser.add_argument("--steps", type=int, default=30)
    parser.add_argument("--threads", type=int, nargs="+", default=[1, numba.config.NUMBA_NUM_THREADS])
    args = parser.parse_args()
    print(f"machine: {platform.processor() or platform.machine()}, {numba.config.NUMBA_NUM_THREADS} cores, "
          f"numba {numba.__version__}, numpy {np.__version__}")
    print("| particles | threads | particle-steps/s | SSC accumulation s per output | state bytes/particle "
          "| peak traced bytes/particle |")
    print("|---:|---:|---:|---:|---:|---:|")
    measure(args.scenario, 1000, 1, [1])  # compile first, so compiler memory is not traced below
    peaks = {}
    for n in args.particles:
        for row in measure(args.scenario, int(n), args.steps, sorted(set(args.threads))):
            peaks[row["particles"]] = row["traced_peak_bytes_per_particle"] * row["particles"]
            print(f"| {row['particles']:.0e} | {row['threads']} | {row['particle_steps_per_s']:.3g} | "
                  f"{row['record_s']:.3f} | "
                  f"{row['bytes_per_particle_state']} | {row['traced_peak_bytes_per_particle']:.0f} |")
    if len(peaks) > 1:
        (n0, p0), (n1, p1) = sorted(peaks.items())[0], sorted(peaks.items())[-1]
        print(f"peak traced memory per added particle (beyond the fields and grids): {(p1 - p0) / (n1 - n0):.0f} bytes")
    peak_mib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"process peak resident memory: {peak_mib:.0f} MiB")


if __name__ == "__main__":
    main()
