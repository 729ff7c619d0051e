"""How much of a whole run's step is the particle kernel, and how much the work around it.

Runs the default scenario's physics with every particle released at the first step (so the
particle count is what the flag says from the start), times each model step as a whole and the
particle kernel (plume.kernels.step.step_particles) inside it, and reports the share spent
outside the kernel: the exposure accumulation and the SSC estimator, the binned concentration,
booking deposits and exits, the bed stress field, the clock and the Python around them.

    python benchmarks/step_overhead.py --particles 1e5 1e6 --steps 30 --threads 2

Every count runs in its own process, after a warm-up step (compilation is not timed). The issue's
target: outside the kernel under 15 % of a step at 1e5 and 1e6 particles.
"""
from __future__ import annotations

import argparse
import json
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]

CHILD = r"""
import json, sys, time
import numba
import plume.solver as solver
from plume.scenario import load_scenario

count, steps, threads = int(float(sys.argv[1])), int(sys.argv[2]), int(sys.argv[3])
numba.set_num_threads(threads)
scenario = load_scenario(sys.argv[4], [f"particles.count={count}", "time.duration_h=6",
                                       "sources[0].start_h=0", "sources[0].stop_h=0.0001",
                                       "sources[1].start_h=0", "sources[1].stop_h=0.0001", *sys.argv[5:]])
sim = solver.Simulation(scenario)
kernel_s = [0.0]
inner = solver.step_particles

def timed(*args):
    started = time.perf_counter()
    inner(*args)
    kernel_s[0] += time.perf_counter() - started

solver.step_particles = timed
sim.release_due(0.0)
sim.step(0)  # compile or load from the cache, and settle the arrays
kernel_s[0] = 0.0
started = time.perf_counter()
for n in range(1, steps + 1):
    sim.release_due(n * sim.dt_s)
    sim.step(n)
total = time.perf_counter() - started
print(json.dumps({"particles": count, "steps": steps, "threads": threads, "step_s": total / steps,
                  "kernel_s": kernel_s[0] / steps, "outside_share": 1.0 - kernel_s[0] / total,
                  "particle_steps_per_s": count * steps / total}))
"""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--particles", type=float, nargs="+", default=[1e5, 1e6])
    parser.add_argument("--steps", type=int, default=30)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--scenario", default=str(REPO / "configs" / "default.yaml"))
    parser.add_argument("--set", dest="settings", action="append", default=[], metavar="KEY.PATH=VALUE",
                        help="a scenario override, as plume run --set (repeatable)")
    args = parser.parse_args()
    print("| particles | threads | step (ms) | kernel (ms) | outside the kernel | particle-steps/s (whole step) |")
    print("|---:|---:|---:|---:|---:|---:|")
    for count in args.particles:
        done = subprocess.run([sys.executable, "-c", CHILD, str(count), str(args.steps), str(args.threads),
                               args.scenario, *args.settings], capture_output=True, text=True, check=True)
        r = json.loads(done.stdout.strip().splitlines()[-1])
        print(f"| {r['particles']:.0e} | {r['threads']} | {1e3 * r['step_s']:.1f} | {1e3 * r['kernel_s']:.1f} | "
              f"{100 * r['outside_share']:.0f} % | {r['particle_steps_per_s']:.3g} |", flush=True)


if __name__ == "__main__":
    main()
