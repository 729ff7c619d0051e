"""The ensemble's products: its members' final fields and metrics in one CF-NetCDF with a `member`
dimension, the probability that each cell exceeds each threshold, and percentiles of every metric.

A member's task returns only what the products need (member_summary): the final deposit thickness,
the maximum near-bed SSC over the run, the metric rows of plume.analysis.metric_rows and, once, the
grid and source geometry. The client then needs no member file: with a remote cluster the members'
result sets stay where the workers wrote them.
"""
from __future__ import annotations

import warnings
from typing import Any

import numpy as np
import xarray as xr

from ..cf import cf_attributes

PRODUCT_ATTR = "plume_product"  # global attribute that marks an ensemble file (plume map, plume compare)
PRODUCT = "ensemble"

# name -> (units, standard_name or None, long_name), as plume.output.VARIABLES
VARIABLES = {
    "final_deposit_thickness": ("m", None, "deposit thickness at the end of the member's run"),
    "ssc_max": ("kg m-3", "mass_concentration_of_suspended_matter_in_sea_water",
                "maximum over the member's run (every model step) of suspended sediment concentration in "
                "near-bed layers"),
    "deposit_exceedance_probability": ("1", None, "probability (fraction of members) that the final deposit "
                                                  "thickness is at or above the threshold"),
    "ssc_exceedance_probability": ("1", None, "probability (fraction of members) that near-bed suspended "
                                              "sediment concentration reaches the threshold in any layer at "
                                              "some model step"),
    "metric_value": ("", None, "impact metric of each member at the end of its run (units: metric_units)"),
    "metric_percentile": ("", None, "percentile over the members of each impact metric (units: metric_units)"),
}

# what a member's file holds for every member alike (the grid, the seabed, the sources): kept from the first
_PER_MEMBER = ("ssc_max", "ssc_exceedance_time")


def member_summary(ds: xr.Dataset) -> dict[str, Any]:
    """What the products need from one member's result Dataset (small: no time series); `ds` holds its
    final metrics (a run's result and a combined member both went through add_metrics)."""
    from ..analysis import METRICS, metric_rows

    rows = metric_rows(ds, metrics=ds)
    template = ds.drop_dims("time")
    template = template.drop_vars([v for v in template.data_vars if v in METRICS or v in _PER_MEMBER])
    return {
        "final_deposit_thickness": ds["deposit_thickness"].values[-1].astype(np.float32),
        "ssc_max": ds["ssc_max"].values.astype(np.float32),
        "metrics": [(r.name, float(r.value), r.units, r.description) for r in rows],
        "template": template.load(),
    }


def exceedance_probability(values: np.ndarray, thresholds) -> np.ndarray:
    """Fraction of members (axis 0 of `values`) at or above each threshold: (threshold, ...)."""
    values = np.asarray(values, dtype=float)
    return np.stack([(values >= float(t)).mean(axis=0) for t in np.asarray(thresholds, dtype=float)])


def metric_table(summaries: list[dict]) -> tuple[list[str], np.ndarray, dict, dict]:
    """(names, values (member, metric), units, descriptions) over the union of the members' metrics, in the
    first member's order; a metric a member lacks (e.g. no nodule rate in one design) is NaN there."""
    names: list[str] = []
    units: dict[str, str] = {}
    descriptions: dict[str, str] = {}
    for s in summaries:
        for name, _, unit, text in s["metrics"]:
            if name not in units:
                names.append(name)
                units[name], descriptions[name] = unit, text
    values = np.full((len(summaries), len(names)), np.nan)
    column = {n: j for j, n in enumerate(names)}
    for i, s in enumerate(summaries):
        for name, value, _, _ in s["metrics"]:
            values[i, column[name]] = value
    return names, values, units, descriptions


def percentiles(values: np.ndarray, qs) -> np.ndarray:
    """Percentiles over the members (axis 0), NaN members left out; a metric with no value stays NaN."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # all-NaN columns
        return np.nanpercentile(np.asarray(values, dtype=float), np.asarray(qs, dtype=float), axis=0)


def coordinate_name(key: str) -> str:
    """A NetCDF-friendly name for a varied key: `sources[0].track.speed_m_s` -> `sources_0_track_speed_m_s`."""
    import re

    return re.sub(r"_+", "_", re.sub(r"[^A-Za-z0-9_]", "_", key)).strip("_") or "key"


def _member_coordinate(key: str, values: list) -> tuple:
    numeric = all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in values)
    if numeric:
        array = np.asarray(values, dtype=np.int64 if all(isinstance(v, int) for v in values) else float)
    else:
        array = np.asarray([str(v) for v in values], dtype=object)
    what = {"scenario": "scenario file of the member", "realisation": "Monte Carlo realisation of the member"}
    return ("member", array, {"long_name": what.get(key, f"value of the scenario key {key} in the member"),
                              "scenario_key": key})


def combine(members, summaries: list[dict], sweep, sweep_text: str, failed: dict[str, str] | None = None,
            history: str = "") -> xr.Dataset:
    """The ensemble Dataset of the `members` that finished (their `summaries`, in the same order)."""
    from .. import __version__

    template = summaries[0]["template"]
    n = len(members)
    deposit = np.stack([s["final_deposit_thickness"] for s in summaries])
    ssc_max = np.stack([s["ssc_max"] for s in summaries])
    dep_thr = template["deposit_threshold"].values
    ssc_thr = template["ssc_threshold"].values
    names, values, units, descriptions = metric_table(summaries)
    qs = np.asarray(sweep.percentiles, dtype=float)
    on_grid = {"grid_mapping": "crs", "coordinates": "lat lon"} if "crs" in template.variables else {}
    attrs = (lambda name, **extra: {**cf_attributes(VARIABLES[name]), **extra})
    data_vars = {
        "final_deposit_thickness": (("member", "y", "x"), deposit, attrs("final_deposit_thickness", **on_grid)),
        "ssc_max": (("member", "layer", "y", "x"), ssc_max, attrs("ssc_max", **on_grid)),
        "deposit_exceedance_probability": (("deposit_threshold", "y", "x"),
                                           exceedance_probability(deposit, dep_thr).astype(np.float32),
                                           attrs("deposit_exceedance_probability", **on_grid)),
        # the maximum over the near-bed layers: a cell exceeds when any of its layers does
        "ssc_exceedance_probability": (("ssc_threshold", "y", "x"),
                                       exceedance_probability(ssc_max.max(axis=1), ssc_thr).astype(np.float32),
                                       attrs("ssc_exceedance_probability", **on_grid)),
        # one unit per metric (metric_units): no units attribute fits them all
        "metric_value": (("member", "metric"), values, _without_units(attrs("metric_value"))),
        "metric_percentile": (("percentile", "metric"), percentiles(values, qs),
                              _without_units(attrs("metric_percentile"))),
        "metric_units": (("metric",), np.asarray([units[m] for m in names], dtype=object),
                         {"long_name": "units of each impact metric"}),
        "metric_description": (("metric",), np.asarray([descriptions[m] for m in names], dtype=object),
                               {"long_name": "meaning of each impact metric"}),
    }
    coords = {
        "member": ("member", np.asarray([m.index for m in members], dtype=np.int32),
                   {"standard_name": "realization", "units": "1",
                    "long_name": "ensemble member number (as in member_name)"}),
        "member_name": ("member", np.asarray([m.name for m in members], dtype=object),
                        {"long_name": "member name: its result set is <member_name>.nc in the members' folder"}),
        "metric": ("metric", np.asarray(names, dtype=object), {"long_name": "impact metric name "
                                                                            "(plume.analysis.metric_rows)"}),
        "percentile": ("percentile", qs, {"long_name": "percentile over the members", "units": "percent"}),
    }
    for key in members[0].varied:
        coords[coordinate_name(key)] = _member_coordinate(key, [m.varied.get(key) for m in members])
    ds = xr.Dataset(data_vars, coords=coords).merge(template, compat="override", combine_attrs="override")
    ds.attrs = {
        "Conventions": "CF-1.10, ACDD-1.3",
        "title": sweep.title or sweep.name,
        "summary": f"Ensemble of {n} plume runs: final deposit and maximum near-bed SSC per member, the probability "
                   "of exceeding each threshold, and percentiles of every impact metric.",
        "source": f"plume {__version__} Lagrangian advection-diffusion particle model",
        "history": history,
        "plume_version": __version__,
        PRODUCT_ATTR: PRODUCT,
        "ensemble_name": sweep.name,
        "members_planned": int(len(members) + len(failed or {})),
        "members_finished": int(n),
        "members_failed": "; ".join(f"{k}: {v}" for k, v in (failed or {}).items()),
        "varied_keys": ", ".join(members[0].varied),
        "site_lon": template.attrs.get("site_lon", np.nan),
        "site_lat": template.attrs.get("site_lat", np.nan),
        "source_geometry": f"source_*, track_* and the scenario attribute are those of member {members[0].name}",
        "sweep": sweep_text,
        # the first member's scenario as run: its sources' widths draw the mined footprint on the maps
        "scenario": template.attrs.get("scenario", ""),
    }
    return ds


def _without_units(attrs: dict) -> dict:
    return {k: v for k, v in attrs.items() if k != "units"}


def is_ensemble(ds) -> bool:
    return ds.attrs.get(PRODUCT_ATTR) == PRODUCT


def is_ensemble_file(path) -> bool:
    """Whether `path` is an ensemble file (its global attributes only; False for anything unreadable).

    Read through xarray, as every other reader of result files (a direct netCDF4 handle here coincided
    with intermittent crashes inside xarray's next open of the file in the test suite)."""
    from pathlib import Path

    from ..signals import interrupts_deferred

    try:
        if not Path(path).is_file():  # a pipe or a device would block the reader: not ours to open
            return False
        with interrupts_deferred(), xr.open_dataset(path, decode_cf=False) as ds:
            return is_ensemble(ds)
    except Exception:
        return False
