"""plume side by side with OpenDrift and Parcels on the common workload, and plume's full-physics step.

    python benchmarks/compare.py                        # N = 1e4, 1e5, 1e6; peers where installed
    python benchmarks/compare.py --sizes 1e5 --no-full  # quicker

Every run is its own process, so peak memory (max RSS) is that run's alone.
Peers run from the virtual environments that benchmarks/peers/setup.sh makes;
a peer whose environment is missing is skipped with a note.
"""
from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import workload  # noqa: E402

PEERS = {
    "opendrift": HERE / "peers" / ".venv-opendrift" / "bin" / "python",
    "parcels3": HERE / "peers" / ".venv-parcels3" / "bin" / "python",
    "parcels4": HERE / "peers" / ".venv-parcels4" / "bin" / "python",
}


def run_json(cmd: list[str], timeout_s: float) -> dict | None:
    env = {**os.environ, "OMP_NUM_THREADS": str(os.cpu_count()), "PYTHONWARNINGS": "ignore"}
    try:
        done = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout_s, env=env)
    except subprocess.TimeoutExpired:
        print(f"  timed out after {timeout_s:.0f} s: {' '.join(cmd[1:])}", file=sys.stderr)
        return None
    lines = [line for line in done.stdout.splitlines() if line.startswith("{")]
    if done.returncode != 0 or not lines:
        print(f"  failed ({done.returncode}): {' '.join(cmd[1:])}\n{done.stderr[-800:]}", file=sys.stderr)
        return None
    return json.loads(lines[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", type=float, nargs="+", default=list(workload.SIZES))
    parser.add_argument("--peers", nargs="*", default=list(PEERS))
    parser.add_argument("--no-full", action="store_true", help="skip plume's full-physics step")
    parser.add_argument("--timeout", type=float, default=1800.0)
    args = parser.parse_args()

    results_dir = HERE / "results"
    field = workload.write_workload(results_dir / "workload.nc")
    print(f"machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}")
    rows = []
    for n in (int(s) for s in args.sizes):
        plume = run_json([sys.executable, str(HERE / "common_workload.py"), str(n), "--field", str(field)],
                         args.timeout)
        if plume:
            rows.append(plume)
        for name in args.peers:
            python = PEERS[name]
            if not python.exists():
                print(f"  {name}: not installed (bash benchmarks/peers/setup.sh)", file=sys.stderr)
                continue
            script = HERE / "peers" / f"{name}_bench.py"
            result = run_json([str(python), str(script), str(n), "--field", str(field)], args.timeout)
            if result:
                rows.append(result)

    print("\nCommon workload (200 x 200 lon/lat tidal field, point release, RK4 + random walk, "
          f"dt = {workload.DT_S:.0f} s, {workload.N_STEPS} steps)")
    print("| model | particles | threads | setup s | stepping s | output s | particle-steps/s | "
          "peak RSS MiB | plume / model |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|---:|")
    plume_rate = {r["particles"]: r["particle_steps_per_s"] for r in rows if r["model"].startswith("plume")}
    for r in rows:
        ratio = plume_rate.get(r["particles"], float("nan")) / r["particle_steps_per_s"]
        print(f"| {r['model']} | {r['particles']:.0e} | {r.get('threads', '?')} | {r['setup_s']:.2f} | "
              f"{r['step_s']:.2f} | {r.get('output_s', 0):.2f} | {r['particle_steps_per_s']:.3g} | "
              f"{r['peak_rss_mib']:.0f} | {ratio:.1f} |")
    (results_dir / "common_workload.jsonl").write_text("".join(json.dumps(r) + "\n" for r in rows))

    if not args.no_full:
        print("\nFull-physics step (default scenario's kernels, every particle in the water):")
        subprocess.run([sys.executable, str(HERE / "bench_step.py"), "--particles", "1e5", "1e6",
                        "--threads", "1", str(os.cpu_count())], check=False)


if __name__ == "__main__":
    main()
