"""plume side by side with OpenDrift and Parcels on the common workload, and plume's full-physics step.

    python benchmarks/compare.py                        # N = 1e4, 1e5, 1e6; peers where installed
    python benchmarks/compare.py --sizes 1e5 --no-full  # quicker

Every run is its own process, so peak memory (max RSS) is that run's alone.
Peers run from the virtual environments that benchmarks/peers/setup.sh makes;
a peer whose environment is missing is skipped with a note.

Two ratios: the stepping rate (particle-steps per second, setup and output timed apart), and the
whole process, start to exit, wall clock: for plume a `plume run` of the same workload as a scenario
file (interpreter start, import, setup, the run, its CF-NetCDF and metrics written); for a peer its
benchmark script (interpreter start, import, setup, stepping, and its output where it writes one:
OpenDrift keeps its output in memory and Parcels writes none, so the whole-process ratio leans in
the peers' favour). Warm caches: plume's numba cache and Parcels' compiled kernel are built by an
earlier run of the same size.
"""
from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import time
from pathlib import Path

import yaml

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import workload  # noqa: E402

PEERS = {
    "opendrift": HERE / "peers" / ".venv-opendrift" / "bin" / "python",
    "parcels3": HERE / "peers" / ".venv-parcels3" / "bin" / "python",
    "parcels4": HERE / "peers" / ".venv-parcels4" / "bin" / "python",
}


def run_process(cmd: list[str], timeout_s: float):
    """(the finished process, its wall time in s), or (None, None) when it timed out or failed."""
    env = {**os.environ, "OMP_NUM_THREADS": str(os.cpu_count()), "PYTHONWARNINGS": "ignore"}
    started = time.perf_counter()
    try:
        done = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout_s, env=env)
    except subprocess.TimeoutExpired:
        print(f"  timed out after {timeout_s:.0f} s: {' '.join(cmd[1:])}", file=sys.stderr)
        return None, None
    wall_s = time.perf_counter() - started
    if done.returncode != 0:
        print(f"  failed ({done.returncode}): {' '.join(cmd[1:])}\n{done.stderr[-800:]}", file=sys.stderr)
        return None, None
    return done, wall_s


def run_json(cmd: list[str], timeout_s: float) -> dict | None:
    """The last JSON line a benchmark script prints, with its whole process's wall time (process_s)."""
    done, wall_s = run_process(cmd, timeout_s)
    lines = [line for line in done.stdout.splitlines() if line.startswith("{")] if done else []
    if not lines:
        if done:
            print(f"  no result from {' '.join(cmd[1:])}", file=sys.stderr)
        return None
    return {**json.loads(lines[-1]), "process_s": wall_s}


def plume_run_process_s(n: int, field: Path, results_dir: Path, timeout_s: float, repeats: int = 3):
    """Median wall time (s) of a whole `plume run` of the common workload with n particles, as a user runs
    it (the scenario written as YAML); the first run fills the numba cache and is not counted."""
    import common_workload

    out_dir = results_dir / f"plume-run-{n}"
    scenario = results_dir / f"common-workload-{n}.yaml"
    scenario.write_text(yaml.safe_dump(common_workload.scenario_for(n, field.resolve(), out_dir)))
    command = [str(Path(sys.executable).with_name("plume")), "run", str(scenario), "--quiet", "--threads",
               str(os.cpu_count())]
    times = []
    for _ in range(repeats + 1):
        done, wall_s = run_process(command, timeout_s)
        if done is None:
            return None
        times.append(wall_s)
    return sorted(times[1:])[len(times[1:]) // 2]


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
            plume["process_s"] = plume_run_process_s(n, field, results_dir, args.timeout)
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
          "peak RSS MiB | plume / model (stepping) | whole process s | plume / model (whole process) |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    plume_rows = {r["particles"]: r for r in rows if r["model"].startswith("plume")}
    for r in rows:
        ours = plume_rows.get(r["particles"], {})
        ratio = ours.get("particle_steps_per_s", float("nan")) / r["particle_steps_per_s"]
        whole = r.get("process_s") or float("nan")
        whole_ratio = whole / (ours.get("process_s") or float("nan"))
        print(f"| {r['model']} | {r['particles']:.0e} | {r.get('threads', '?')} | {r['setup_s']:.2f} | "
              f"{r['step_s']:.2f} | {r.get('output_s', 0):.2f} | {r['particle_steps_per_s']:.3g} | "
              f"{r['peak_rss_mib']:.0f} | {ratio:.1f} | {whole:.1f} | {whole_ratio:.1f} |")
    (results_dir / "common_workload.jsonl").write_text("".join(json.dumps(r) + "\n" for r in rows))

    if not args.no_full:
        print("\nFull-physics step (default scenario's kernels, every particle in the water):")
        subprocess.run([sys.executable, str(HERE / "bench_step.py"), "--particles", "1e5", "1e6",
                        "--threads", "1", str(os.cpu_count())], check=False)


if __name__ == "__main__":
    main()
