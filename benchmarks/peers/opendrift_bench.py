"""OpenDrift (OceanDrift) on the common workload.

    .venv-opendrift/bin/python opendrift_bench.py N [--steps 100] [--field PATH] [--scheme runge-kutta4]

OceanDrift with the generic CF NetCDF reader on the written field (bilinear 'linearNDFast'
interpolation in space, linear in time), horizontal random walk with a constant
horizontal_diffusivity = K, time_step = 600 s, no wind (wind_drift_factor = 0, no wind reader),
no Stokes drift, no vertical mixing, no landmask / coastline (constant land_binary_mask = 0),
no seafloor action. Output: kept in memory, stored only at the start and the end of the run
(time_step_output = the whole run), no file.

OpenDrift has no separate "compile" and cannot resume a run, so the split is taken from its own
timers inside run(): setup_s = reader + model + seeding (outside run) + run()'s "configuration"
and "preparing main loop"; step_s = its "main loop" timer (the --steps steps, including the
reader's reading of data blocks as the clock advances); output_s = the rest of run() (final
buffer flush and building the in-memory xarray result).
"""
from __future__ import annotations

import _common as C  # first: caps thread pools
import importlib.metadata
import logging
import sys
import time
from datetime import timedelta

import numpy as np

W = C.workload


def main():
    scheme = "runge-kutta4"
    if "--scheme" in sys.argv:
        i = sys.argv.index("--scheme")
        scheme = sys.argv[i + 1]
        del sys.argv[i:i + 2]
    args = C.parse_args(__doc__)
    n, steps = args.particles, args.steps
    field = C.ensure_field(args.field)

    from opendrift.models.oceandrift import OceanDrift
    from opendrift.readers import reader_netCDF_CF_generic

    version = importlib.metadata.version("opendrift")
    import_rss = C.peak_rss_mib()  # opendrift loads the global landmask (~1.3 GB) at import
    start = W.START.astype("datetime64[s]").item()  # datetime.datetime

    with C.Timer() as pre:
        o = OceanDrift(loglevel=logging.WARNING)
        reader = reader_netCDF_CF_generic.Reader(str(field))
        o.add_reader(reader)
        o.set_config("general:use_auto_landmask", False)
        o.set_config("environment:constant:land_binary_mask", 0)
        o.set_config("general:coastline_action", "none")
        o.set_config("general:seafloor_action", "none")
        o.set_config("environment:constant:horizontal_diffusivity", W.K_M2_S)
        o.set_config("drift:advection_scheme", scheme)
        o.set_config("drift:vertical_mixing", False)
        o.set_config("drift:stokes_drift", False)
        o.set_config("drift:vertical_advection", False)
        np.random.seed(1234)
        o.seed_elements(lon=W.LON0, lat=W.LAT0, z=-W.RELEASE_DEPTH_M, number=n, time=start,
                        wind_drift_factor=0.0)

    t0, c0 = time.perf_counter(), C.cpu_s()
    o.run(steps=steps, time_step=timedelta(seconds=W.DT_S),
          time_step_output=timedelta(seconds=W.DT_S * steps))
    run_s = time.perf_counter() - t0
    run_cpu = C.cpu_s() - c0

    timing = {k: v.total_seconds() for k, v in o.timing.items()}
    log_keys = {k: round(v, 3) for k, v in timing.items()}
    C.log("opendrift timers:", log_keys)

    setup = C.Timer()
    setup.s = pre.s + timing.get("configuration", 0.0) + timing.get("preparing main loop", 0.0)
    step = C.Timer()
    step.s = timing["main loop"]
    step.cpu = run_cpu * step.s / run_s  # cpu/wall over the whole run()
    output_s = max(run_s - timing.get("configuration", 0.0) - timing.get("preparing main loop", 0.0)
                   - timing["main loop"], 0.0)

    # Final positions: the in-memory result (last output time).
    res = o.result
    lon = np.asarray(res.lon.isel(time=-1))
    lat = np.asarray(res.lat.isel(time=-1))
    stats = C.cloud_stats(lon, lat)
    rec = C.report(f"opendrift {version} (OceanDrift, {scheme})", n, steps, setup, step, output_s, stats,
                   threads=1, import_rss_mib=import_rss, run_s=round(run_s, 4),
                   output_times=int(res.sizes["time"]))
    return rec


if __name__ == "__main__":
    main()
