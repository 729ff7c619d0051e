"""plume on the common workload (see workload.py): particle-steps per second, setup and output apart.

    python benchmarks/common_workload.py 1000000 [--threads 2]

Prints one line of JSON, like the peers' scripts in benchmarks/peers/.
"""
from __future__ import annotations

import argparse
import json
import resource
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import workload  # noqa: E402


def scenario_for(n_particles: int, field_path: Path, out_dir: Path) -> dict:
    duration_s = workload.N_STEPS * workload.DT_S
    return {
        "name": "common-workload",
        "title": "Benchmark: tidal field on a lon/lat grid, point release, horizontal random walk",
        "site": {"lon": workload.LON0, "lat": workload.LAT0},
        "time": {"start": str(workload.START) + "Z", "duration_h": duration_s / 3600.0,
                 "step_s": workload.DT_S, "output_every_s": duration_s},
        "bathymetry": {"flat_depth_m": 4000},
        "currents": {"file": str(field_path), "extend_to_bed": "uniform"},  # the workload's flow is depth-uniform
        "turbulence": {"horizontal_m2_s": workload.K_M2_S, "vertical": {"profile": "constant", "value_m2_s": 0.0}},
        "sediment": {"classes": [{"name": "neutral", "mass_fraction": 1.0, "settling_m_s": 0.0}]},
        "sources": [{"kind": "discharge", "name": "point", "position_m": [0, 0],
                     "depth_m": workload.RELEASE_DEPTH_M, "mass_kg": 1.0, "start_h": 0}],
        "particles": {"count": n_particles, "seed": 1},
        "grid": {"resolution_m": 2000, "extent_m": [-100000, 100000, -100000, 100000],
                 "layers_above_bed_m": [0, 10]},
        "output": {"directory": str(out_dir)},
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("particles", type=float)
    parser.add_argument("--threads", type=int, default=None)
    parser.add_argument("--field", type=Path, default=None)
    args = parser.parse_args()

    import numba
    import numpy as np

    from plume.output import build_dataset, write_dataset
    from plume.scenario import scenario_from_dict
    from plume.solver import Simulation

    if args.threads:
        numba.set_num_threads(args.threads)
    n = int(args.particles)
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        field = args.field.resolve() if args.field else workload.write_workload(tmp / "workload.nc")
        started = time.perf_counter()
        sim = Simulation(scenario_from_dict(scenario_for(n, field, tmp / "out"), tmp))
        sim.compile()
        sim.release_due(0.0)
        sim.record(0)
        setup_s = time.perf_counter() - started
        started = time.perf_counter()
        for step in range(workload.N_STEPS):
            sim.step(step)
        step_s = time.perf_counter() - started
        started = time.perf_counter()
        sim.release_due(workload.N_STEPS * workload.DT_S)
        sim.record(1)
        write_dataset(build_dataset(sim), tmp / "out" / "common-workload.nc")
        output_s = time.perf_counter() - started
        lon, lat = sim.projection.to_lonlat(sim.particles.x_m, sim.particles.y_m)
    print(json.dumps({
        "model": f"plume (numba {numba.__version__})", "particles": n, "steps": workload.N_STEPS,
        "setup_s": round(setup_s, 3), "step_s": round(step_s, 4), "output_s": round(output_s, 3),
        "particle_steps_per_s": n * workload.N_STEPS / step_s,
        "peak_rss_mib": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
        "threads": numba.get_num_threads(),
        "mean_lon": float(np.mean(lon)), "mean_lat": float(np.mean(lat)),
        "std_lon_m": float(np.std(sim.particles.x_m)),
    }))


if __name__ == "__main__":
    main()
