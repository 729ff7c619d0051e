"""Shared helpers for the peer benchmark scripts (argument parsing, field file, timing, JSON line).

Import this BEFORE numpy (it caps the thread pools at the machine's 2 cores).
"""
from __future__ import annotations

import os

MAX_THREADS = "2"
for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS", "NUMEXPR_NUM_THREADS",
             "NUMBA_NUM_THREADS", "VECLIB_MAXIMUM_THREADS"):
    if int(os.environ.get(_var, MAX_THREADS)) > int(MAX_THREADS) or _var not in os.environ:
        os.environ[_var] = MAX_THREADS

import argparse  # noqa: E402
import json  # noqa: E402
import resource  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402
from pathlib import Path  # noqa: E402

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))  # benchmarks/ -> workload.py

import numpy as np  # noqa: E402

import workload  # noqa: E402,F401

DEG2M = np.pi / 180.0 * 6_371_000.0  # metres per degree of latitude (mean Earth radius)
DEFAULT_FIELD = HERE / "_data" / "workload.nc"


def log(*args):
    print(*args, file=sys.stderr, flush=True)


def parse_args(description: str):
    p = argparse.ArgumentParser(description=description)
    p.add_argument("particles", type=float, help="number of particles (e.g. 1e5)")
    p.add_argument("--steps", type=int, default=workload.N_STEPS)
    p.add_argument("--field", type=Path, default=DEFAULT_FIELD,
                   help="CF-NetCDF field file (written with workload.write_workload if missing)")
    a = p.parse_args()
    a.particles = int(a.particles)
    return a


def ensure_field(path: Path) -> Path:
    if not path.exists():
        log(f"writing workload field to {path}")
        workload.write_workload(path)
    return path


def os_threads() -> int:
    try:
        with open("/proc/self/status") as f:
            for line in f:
                if line.startswith("Threads:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return -1


def rss_now_mib() -> float:
    """Current resident set size (MiB), from /proc/self/status."""
    try:
        with open("/proc/self/status") as f:
            for line in f:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return float("nan")


def peak_rss_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def cpu_s() -> float:
    r = resource.getrusage(resource.RUSAGE_SELF)
    return r.ru_utime + r.ru_stime


class Timer:
    def __enter__(self):
        self.t0, self.c0 = time.perf_counter(), cpu_s()
        return self

    def __exit__(self, *exc):
        self.s = time.perf_counter() - self.t0
        self.cpu = cpu_s() - self.c0


def cloud_stats(lon, lat) -> dict:
    lon = np.asarray(lon, dtype=np.float64)
    lat = np.asarray(lat, dtype=np.float64)
    ok = np.isfinite(lon) & np.isfinite(lat)
    lon, lat = lon[ok], lat[ok]
    mlat = float(lat.mean())
    return {
        "mean_lon": float(lon.mean()),
        "mean_lat": mlat,
        "std_lon_m": float(lon.std() * DEG2M * np.cos(np.deg2rad(mlat))),
        "std_lat_m": float(lat.std() * DEG2M),
        "n_valid": int(ok.sum()),
    }


def report(model: str, n: int, steps: int, setup: Timer, step: Timer, output_s: float, stats: dict,
           threads: int, import_rss_mib: float, **extra) -> dict:
    """Print the one JSON line. import_rss_mib: peak RSS after importing the peer, before any setup."""
    simulated = extra.get("simulated_steps", steps)  # e.g. a warm-up step done in setup
    expected = float(np.sqrt(2.0 * workload.K_M2_S * simulated * workload.DT_S))
    rec = {
        "model": model,
        "particles": n,
        "steps": steps,
        "setup_s": round(setup.s, 4),
        "step_s": round(step.s, 4),
        "output_s": round(output_s, 4),
        "particle_steps_per_s": n * steps / step.s,
        "peak_rss_mib": round(peak_rss_mib(), 1),
        "import_peak_rss_mib": round(import_rss_mib, 1),
        "threads": threads,
        "cpu_per_wall_step": round(step.cpu / step.s, 2),
        "os_threads": os_threads(),
        **{k: (round(v, 6) if isinstance(v, float) else v) for k, v in stats.items()},
        "expected_std_m": round(expected, 1),
        **extra,
    }
    log(f"[{model}] N={n}: mean=({stats['mean_lon']:.5f}, {stats['mean_lat']:.5f}) "
        f"std_lon={stats['std_lon_m']:.1f} m std_lat={stats['std_lat_m']:.1f} m (expected ~{expected:.1f} m)")
    print(json.dumps(rec), flush=True)
    return rec
