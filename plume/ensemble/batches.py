"""Particle batches: one member too big for one worker's memory, run as several tasks on fewer particles.

Batch b runs the member's scenario on n_b of its N particles with its own seed. Every batch releases
the whole sediment mass (a particle carries the released mass over the batch's particle count), so
a field that is linear in the particles (the SSC snapshots, the deposit, the mass budget) of the whole
member is the batches' mean weighted by n_b / N: the same estimator as one run of N particles, with
other random numbers, so equal within statistical tolerance (tests/test_ensemble.py checks it).

What does not add up over batches is recomputed from the combined snapshots, at the output interval
rather than on every model step, and the file says so in the variable's `comment`:
- `ssc_max`: the maximum over the output times of the combined SSC (a lower bound of the step-wise
  maximum one run would record);
- `ssc_exceedance_time`: output intervals at or above each threshold (the rule of
  plume.analysis.fields.exceedance_time);
- `deposit_area`: from the combined deposit thickness;
- `ssc_exceedance_time_longest` is left out (the metrics then use the snapshot rule);
  any other time-dependent variable that is not known to be linear is left out too, and named in the
  global attribute `batch_dropped_variables`.
"""
from __future__ import annotations

import numpy as np
import xarray as xr

# linear in the particles: the whole member's field is the batches' weighted mean
LINEAR = ("ssc", "ssc_midwater", "deposit_mass", "deposit_thickness", "deposit_mass_by_class",
          "mass_released", "mass_suspended", "mass_deposited", "mass_exited", "mass_resuspended",
          "bed_shear_stress")
SNAPSHOT_NOTE = ("combined from particle batches: recomputed from the output snapshots of the batches' mean "
                 "SSC, not on every model step")
MAX_BATCH_SEED = 2**31 - 1


def batch_counts(count: int, batches: int) -> list[int]:
    """The particles of each batch: as equal as possible, summing to `count`."""
    base, extra = divmod(int(count), int(batches))
    return [base + (1 if b < extra else 0) for b in range(batches)]


def batch_scenarios(scenario, batches: int) -> list:
    """The member's scenario split into `batches` scenarios of fewer particles, each with its own seed
    (drawn from the member's seed: the same member gives the same batches)."""
    rng = np.random.default_rng([int(scenario.particles.seed), int(batches)])
    seeds = rng.choice(MAX_BATCH_SEED, size=batches, replace=False)
    return [scenario.with_overrides(particles=n, seed=int(s))
            for n, s in zip(batch_counts(scenario.particles.count, batches), seeds)]


def combine_batches(datasets: list[xr.Dataset], counts: list[int]) -> xr.Dataset:
    """One member's result Dataset from its batches' (`counts`: their particle numbers)."""
    from ..analysis import METRICS, add_metrics
    from ..analysis.fields import area_at_or_above, exceedance_time
    from ..analysis.metrics import cell_area_m2, seconds

    weights = np.asarray(counts, dtype=float) / float(sum(counts))
    first = datasets[0]
    out = first.drop_vars([v for v in first.data_vars if v in METRICS])
    dropped = [v for v in out.data_vars if "time" in out[v].dims and v not in LINEAR
               and v not in ("deposit_area",)]
    out = out.drop_vars(dropped)
    for name in LINEAR:
        if name in out.variables:
            mean = sum(w * ds[name].values.astype(float) for w, ds in zip(weights, datasets))
            out[name] = out[name].copy(data=mean.astype(first[name].dtype))
    ssc = out["ssc"].values
    t = seconds(out)
    interval = float(t[1] - t[0]) if t.size > 1 else 0.0
    thresholds = out["ssc_threshold"].values
    out["ssc_max"] = out["ssc_max"].copy(data=ssc.max(axis=0).astype(first["ssc_max"].dtype))
    out["ssc_max"].attrs["comment"] = SNAPSHOT_NOTE
    out["ssc_max"].attrs["cell_methods"] = "time: maximum (output times)"
    exceed = exceedance_time(ssc, thresholds, interval)
    out["ssc_exceedance_time"] = out["ssc_exceedance_time"].copy(
        data=exceed.astype(first["ssc_exceedance_time"].dtype))
    out["ssc_exceedance_time"].attrs["comment"] = SNAPSHOT_NOTE
    area = area_at_or_above(out["deposit_thickness"].values, out["deposit_threshold"].values, cell_area_m2(out))
    out["deposit_area"] = (("time", "deposit_threshold"), area, first["deposit_area"].attrs)
    # one particle of the whole member is lighter than one of a batch: 1 / sum(1 / value)
    one = np.stack([ds["ssc_one_particle"].values for ds in datasets]).astype(float)
    with np.errstate(divide="ignore"):
        out["ssc_one_particle"] = out["ssc_one_particle"].copy(data=1.0 / np.sum(1.0 / one, axis=0))
    out.attrs = dict(first.attrs)
    out.attrs["particles_released"] = int(sum(int(ds.attrs.get("particles_released", 0)) for ds in datasets))
    out.attrs["particle_seed"] = ", ".join(str(ds.attrs.get("particle_seed", "")) for ds in datasets)
    out.attrs["particle_batches"] = len(datasets)
    out.attrs["batch_dropped_variables"] = ", ".join(dropped)
    out.attrs["comment"] = (f"combined from {len(datasets)} particle batches (plume.ensemble.batches): linear fields "
                            "are the batches' particle-weighted mean; ssc_max and ssc_exceedance_time come from "
                            "the output snapshots")
    distances = first["distance_limit"].values if "distance_limit" in first.variables else None
    return add_metrics(out, None if distances is None else list(distances))


def run_batch(scenario) -> xr.Dataset:
    """The task of one batch (on a worker): run it, write nothing, return its Dataset."""
    from ..solver import run
    from ..threads import default_threads

    return run(scenario, progress=False, write=False, threads=default_threads()).dataset


def write_member(scenario, counts: list[int], *datasets) -> dict:
    """The reduce task of a batched member: combine its batches, write its result set, return its summary."""
    from pathlib import Path

    from ..output import result_files, write_dataset, write_metrics
    from ..resultset import check_targets, result_set
    from .products import member_summary

    ds = combine_batches(list(datasets), counts)
    path = Path(scenario.output.directory) / f"{scenario.name}.nc"
    files = result_files(path)
    check_targets(path.parent, files)
    with result_set(path.parent, files) as staged:
        nc = staged.path(path.name)
        write_dataset(ds, nc)
        write_metrics(ds, nc, scenario.name, metrics=ds)  # combine_batches added them
    return member_summary(ds)
