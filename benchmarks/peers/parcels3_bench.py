"""Parcels v3 (3.1.4, JIT/C kernels) on the common workload.

    .venv-parcels3/bin/python parcels3_bench.py N [--steps 100] [--field PATH]

FieldSet.from_netcdf (whole field loaded into memory: deferred_load=False), JITParticle,
AdvectionRK4 + DiffusionUniformKh with constant Kh_zonal = Kh_meridional = K (spherical mesh:
Parcels converts m/s and m2/s to degrees itself), no output file.

Setup = reading the field, creating the particle set and kernel, and one 1-step execute (which
generates and compiles the C kernel). Then exactly --steps steps are timed in one execute. (v3 applies
each step's displacement at the start of the next loop, so the positions read at the end are those
after --steps steps.)
"""
from __future__ import annotations

import _common as C  # first: caps thread pools
import importlib.metadata
import logging

import numpy as np

W = C.workload


def main():
    args = C.parse_args(__doc__)
    n, steps = args.particles, args.steps
    field = C.ensure_field(args.field)

    import parcels
    from parcels import (AdvectionRK4, DiffusionUniformKh, FieldSet, JITParticle, ParticleSet)

    parcels.logger.setLevel(logging.WARNING)
    version = importlib.metadata.version("parcels")
    import_rss = C.peak_rss_mib()

    with C.Timer() as setup:
        fs = FieldSet.from_netcdf(
            str(field),
            variables={"U": "uo", "V": "vo"},
            dimensions={"lon": "lon", "lat": "lat", "time": "time"},
            mesh="spherical",
            deferred_load=False,
        )
        fs.add_constant_field("Kh_zonal", W.K_M2_S, mesh="spherical")
        fs.add_constant_field("Kh_meridional", W.K_M2_S, mesh="spherical")
        parcels.rng.seed(1234)
        pset = ParticleSet(fieldset=fs, pclass=JITParticle,
                           lon=np.full(n, W.LON0), lat=np.full(n, W.LAT0), time=np.zeros(n))
        kernel = pset.Kernel(AdvectionRK4) + pset.Kernel(DiffusionUniformKh)
        # 1-step warm-up: code generation + gcc compile + library load happen here.
        pset.execute(kernel, runtime=W.DT_S, dt=W.DT_S, verbose_progress=False)

    with C.Timer() as step:
        pset.execute(kernel, runtime=steps * W.DT_S, dt=W.DT_S, verbose_progress=False)

    stats = C.cloud_stats(pset.lon, pset.lat)
    # v3 applies a step's displacement at the start of the next kernel loop, so after the warm-up
    # step and the timed steps the visible positions are those after `steps` steps (the last
    # displacement is computed but still pending in particle_dlon/dlat).
    C.report(f"parcels {version} (JIT)", n, steps, setup, step, 0.0, stats, threads=1,
             import_rss_mib=import_rss, simulated_steps=steps,
             compiler="gcc -O3 (parcels default), single thread, no OpenMP")


if __name__ == "__main__":
    main()
