"""Parcels v4 (pure numpy/xarray kernels, vectorised over particles) on the common workload.

    .venv-parcels4/bin/python parcels4_bench.py N [--steps 100] [--field PATH]

The v4 equivalent of the v3 set-up: the CF NetCDF file opened with xarray and loaded into memory
(numpy-backed, no dask), turned into an SGRID dataset with parcels.convert.copernicusmarine_to_sgrid
(the file has CMEMS-like uo/vo(time, lat, lon)), FieldSet.from_sgrid_conventions(mesh="spherical"),
constant Kh_zonal = Kh_meridional = K (add_constant_field), the default Particle class,
kernels AdvectionRK4 + DiffusionUniformKh, no output file.

v4 has no JIT: its kernels are numpy functions over the whole particle set. Setup = reading the
field, building the FieldSet and ParticleSet, and one 1-step execute (first-call overheads). Then
exactly --steps steps are timed in one execute, so the cloud has moved steps + 1 steps in total.
"""
from __future__ import annotations

import _common as C  # first: caps thread pools
import importlib.metadata
import logging
import warnings

import numpy as np

W = C.workload


def main():
    args = C.parse_args(__doc__)
    n, steps = args.particles, args.steps
    field = C.ensure_field(args.field)

    import parcels
    import xarray as xr
    from parcels.kernels import AdvectionRK4, DiffusionUniformKh

    parcels.logger.setLevel(logging.WARNING)
    version = importlib.metadata.version("parcels")
    import_rss = C.peak_rss_mib()

    with C.Timer() as setup:
        ds = xr.open_dataset(field).load()
        sg = parcels.convert.copernicusmarine_to_sgrid(fields={"U": ds["uo"], "V": ds["vo"]})
        fs = parcels.FieldSet.from_sgrid_conventions(sg, mesh="spherical")
        fs.add_constant_field("Kh_zonal", W.K_M2_S)
        fs.add_constant_field("Kh_meridional", W.K_M2_S)
        np.random.seed(1234)
        pset = parcels.ParticleSet(fs, parcels.Particle, x=np.full(n, W.LON0), y=np.full(n, W.LAT0))
        kernels = [AdvectionRK4, DiffusionUniformKh]
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            pset.execute(kernels, dt=np.timedelta64(int(W.DT_S), "s"),
                         runtime=np.timedelta64(int(W.DT_S), "s"), verbose_progress=False)

    with C.Timer() as step:
        pset.execute(kernels, dt=np.timedelta64(int(W.DT_S), "s"),
                     runtime=np.timedelta64(int(steps * W.DT_S), "s"), verbose_progress=False)

    stats = C.cloud_stats(pset.x, pset.y)
    C.report(f"parcels {version} (numpy kernels)", n, steps, setup, step, 0.0, stats, threads=1,
             import_rss_mib=import_rss, simulated_steps=steps + 1)


if __name__ == "__main__":
    main()
