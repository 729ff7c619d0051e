"""Impact metrics of a result Dataset, as CF variables that join the run's NetCDF.

All are computed from the accumulated fields (and the source geometry stored
in the file), at one output time: the last one unless asked otherwise (the
comparison aligns runs at a common time this way).
"""
from __future__ import annotations

import numpy as np
import xarray as xr

from ..cf import cf_attributes
from . import fields
from .geometry import distance_field
from .uncertainty import jackknife_se

DEFAULT_DISTANCES_M = (100.0, 500.0, 1000.0, 5000.0)

# name -> (units, standard_name or None, long_name)
METRICS = {
    "distance_to_track": ("m", None, "horizontal distance from cell centre to the nearest collector track "
                                     "or discharge point"),
    "ssc_exposure": ("kg m-3 s", None, "exposure: time integral of near-bed suspended sediment concentration "
                                       "(on every model step: ssc_time_integral; at an earlier output time or "
                                       "in a file without it, the trapezoid rule over output times)"),
    "ssc_midwater_exposure": ("kg m-3 s", None, "exposure: time integral of midwater suspended sediment "
                                                "concentration (trapezoid rule over output times)"),
    "ssc_area": ("m2", None, "seabed area where suspended sediment concentration in any near-bed layer reached "
                             "the threshold at some model step (ssc_peak)"),
    "deposit_max_distance": ("m", None, "largest distance from the track of a cell whose deposit thickness "
                                        "reached the threshold"),
    "ssc_max_distance": ("m", None, "largest distance from the track of a cell whose near-bed suspended "
                                    "sediment concentration reached the threshold"),
    "deposited_fraction_within": ("1", None, "fraction of the released sediment mass deposited within the "
                                             "distance limit of the track"),
    "nodule_mass_collected": ("kg", None, "nodule mass collected (collector nodule rate times active time)"),
    "deposit_area_per_sediment_mass": ("m2 kg-1", None, "seabed area with deposit at or above threshold per "
                                                        "unit mass of sediment released"),
    "deposit_area_per_nodule_mass": ("m2 kg-1", None, "seabed area with deposit at or above threshold per "
                                                      "unit mass of nodules collected"),
    "ssc_area_per_sediment_mass": ("m2 kg-1", None, "ssc_area per unit mass of sediment released"),
    "ssc_area_per_nodule_mass": ("m2 kg-1", None, "ssc_area per unit mass of nodules collected"),
    "footprint_area": ("m2", None, "seabed area swept by the collectors: each track widened by the collector's "
                                   "release width"),
    "deposit_area_outside_footprint": ("m2", None, "seabed area outside the collectors' swept footprint with "
                                                   "deposit at or above threshold"),
    "ssc_area_outside_footprint": ("m2", None, "seabed area outside the collectors' swept footprint where "
                                               "near-bed suspended sediment concentration reached the threshold"),
    "mass_deposited_outside_footprint": ("kg", None, "sediment mass deposited outside the collectors' swept "
                                                     "footprint"),
    "deposit_area_outside_footprint_per_sediment_mass": ("m2 kg-1", None, "deposit_area_outside_footprint per "
                                                                          "unit mass of sediment released"),
    "deposit_area_outside_footprint_per_nodule_mass": ("m2 kg-1", None, "deposit_area_outside_footprint per "
                                                                        "unit mass of nodules collected"),
    "ssc_area_outside_footprint_per_sediment_mass": ("m2 kg-1", None, "ssc_area_outside_footprint per unit mass "
                                                                      "of sediment released"),
    "ssc_area_outside_footprint_per_nodule_mass": ("m2 kg-1", None, "ssc_area_outside_footprint per unit mass "
                                                                    "of nodules collected"),
    "deposit_area_by_class": ("m2", None, "seabed area where one sediment class alone gives a deposit at or "
                                          "above threshold"),
    "deposit_max_distance_by_class": ("m", None, "largest distance from the track of a cell where one sediment "
                                                 "class alone gives a deposit at or above threshold"),
    "deposited_fraction_within_by_class": ("1", None, "fraction of the released sediment mass (all classes) "
                                                      "deposited by this class within the distance limit"),
    "deposit_area_by_source": ("m2", None, "seabed area where one source alone gives a deposit at or above "
                                           "threshold"),
    "deposit_area_outside_footprint_by_source": ("m2", None, "seabed area outside the collectors' swept "
                                                             "footprint where one source alone gives a deposit "
                                                             "at or above threshold"),
    "deposit_max_distance_by_source": ("m", None, "largest distance from the track of a cell where one source "
                                                  "alone gives a deposit at or above threshold"),
    "deposited_fraction_by_source": ("1", None, "fraction of the sediment mass a source released that lies "
                                                "deposited (net of resuspension)"),
}


def metric_attrs(name: str, comment: str | None = None) -> dict:
    return cf_attributes(METRICS[name], comment)


def seconds(ds) -> np.ndarray:
    """Output times as seconds since the first output (the run's start), decoded or not."""
    t = ds["time"].values
    if np.issubdtype(t.dtype, np.datetime64):
        return (t - t[0]) / np.timedelta64(1, "s")
    return np.asarray(t, dtype=float) - float(t[0])


class records:
    """A (time, ...) variable read a block of output records at a time: records(var, dims)[k] is record k
    as a numpy array with the other dimensions in `dims` order. A lazily opened file (a run's records,
    read through dask) is read BLOCK_BYTES at most at once, so a long run's file is never loaded whole,
    and a block is read once for all the records in it: reading the default run's records one by one
    cost about 10 ms of dask's overhead each, 590 of them, 6 s of its 160. The returned arrays are
    views of the block: not to be written into."""

    BLOCK_BYTES = 64 * 2**20

    def __init__(self, variable, dims):
        self.variable = variable.transpose("time", *dims)
        self.shape = self.variable.shape
        record_bytes = int(np.prod(self.shape[1:], dtype=np.int64)) * self.variable.dtype.itemsize
        self._block_records = max(1, self.BLOCK_BYTES // max(record_bytes, 1))
        self._block_start = -1
        self._block = None

    def __len__(self) -> int:
        return self.shape[0]

    def __getitem__(self, k: int) -> np.ndarray:
        k = range(self.shape[0])[k]  # a negative index counts from the end; out of range raises IndexError
        start = k - k % self._block_records
        if start != self._block_start:
            self._block = self.variable.isel(time=slice(start, start + self._block_records)).values
            self._block_start = start
        return self._block[k - start]


def cell_area_m2(ds) -> float:
    x, y = ds["x"].values, ds["y"].values
    dx = float(x[1] - x[0]) if x.size > 1 else float("nan")
    dy = float(y[1] - y[0]) if y.size > 1 else dx
    return abs(dx * (dy if np.isfinite(dy) else dx))


def has_geometry(ds) -> bool:
    return all(name in ds.variables for name in ("source_kind", "source_x", "source_y", "track_x", "track_y",
                                                 "track_source"))


def dry_density(ds) -> float:
    """Deposit dry density (kg m-3), stored in the file or read off mass / thickness."""
    if "deposit_dry_density" in ds.variables:
        return float(ds["deposit_dry_density"])
    mass, thick = ds["deposit_mass"].values, ds["deposit_thickness"].values
    on = thick > 0
    return float(mass[on].sum() / thick[on].sum()) if on.any() else 1.0


def nodule_mass(ds, time_s: float) -> float:
    if "source_nodule_rate" not in ds.variables:
        return float("nan")
    return fields.collected_by(ds["source_nodule_rate"].values, ds["source_start"].values,
                               ds["source_stop"].values, time_s)


def metrics_dataset(ds, time_index: int = -1, distances_m=DEFAULT_DISTANCES_M) -> xr.Dataset:
    """The metric variables of `ds` at output `time_index` (fields up to and including it), each SSC and
    deposit metric with its `<name>_uncertainty` (standard error, plume.analysis.uncertainty) where the
    file holds the delete-a-group fields and `time_index` is the last output."""
    n = ds.sizes["time"]
    k = time_index % n
    t = seconds(ds)[: k + 1]
    area = cell_area_m2(ds)
    when = f"over the run up to {t[-1]:g} s after the start"
    dims2 = ("y", "x")
    on_grid = {"grid_mapping": "crs", "coordinates": "lat lon"} if "crs" in ds.variables else {}
    out = {}
    distance = distance_field(ds) if has_geometry(ds) else np.full((ds.sizes["y"], ds.sizes["x"]), np.nan)
    if has_geometry(ds):
        out["distance_to_track"] = (dims2, distance, {**metric_attrs("distance_to_track"), **on_grid})

    # the time series are read one record at a time: a long run's file is never loaded whole
    ssc = records(ds["ssc"], ("layer", "y", "x"))
    final = k == n - 1
    if final and "ssc_time_integral" in ds.variables:  # resolved on the model step
        exposure = ds["ssc_time_integral"].transpose("layer", "y", "x").values.astype(np.float32)
    else:
        exposure = fields.exposure(ssc, t).astype(np.float32)
    out["ssc_exposure"] = (("layer",) + dims2, exposure, {**metric_attrs("ssc_exposure", when), **on_grid})
    if final and "ssc_time_integral_without_group" in ds.variables:
        without = ds["ssc_time_integral_without_group"].transpose("group", "layer", "y", "x").values
        out["ssc_exposure_uncertainty"] = (("layer",) + dims2, jackknife_se(without).astype(np.float32),
                                           {**uncertainty_attrs("ssc_exposure", "kg m-3 s", without.shape[0], when),
                                            **on_grid})
    if "ssc_midwater" in ds.variables:
        midwater = records(ds["ssc_midwater"], ("depth_level", "y", "x"))
        out["ssc_midwater_exposure"] = (("depth_level",) + dims2, fields.exposure(midwater, t).astype(np.float32),
                                        {**metric_attrs("ssc_midwater_exposure", when), **on_grid})
    if "ssc_peak" in ds.variables:  # resolved on the model step, up to output k
        peak_ssc = ds["ssc_peak"].transpose("time", "y", "x").isel(time=k).values
    elif final and "ssc_max" in ds.variables:
        peak_ssc = ds["ssc_max"].values.max(axis=0)
    else:  # a file without them: the output snapshots
        peak_ssc = fields.max_over_records(ssc, k).max(axis=0)  # (y, x) over times and layers
    peak_thick = fields.max_over_records(records(ds["deposit_thickness"], ("y", "x")), k)
    released = float(ds["mass_released"].values[k])
    limits = np.asarray(distances_m, dtype=float)
    nodules = nodule_mass(ds, float(t[-1]))
    outside = _outside_fraction(ds)
    deposit_now = ds["deposit_mass"].transpose("time", "y", "x").isel(time=k).values
    fieldwise = _field_metrics(ds, deposit_now, peak_thick, peak_ssc, distance, outside, area,
                               limits, released, nodules)
    fieldwise.pop("deposit_area")  # the file has the accumulator's own, at every output time
    for name, values in fieldwise.items():
        out[name] = (_metric_dims(name), values, metric_attrs(name, when))
    if np.isfinite(nodules):
        out["nodule_mass_collected"] = ((), nodules, metric_attrs("nodule_mass_collected", when))
    if outside is not None:
        out["footprint_area"] = ((), float((1.0 - outside).sum() * area), metric_attrs("footprint_area"))
    if final:
        out.update(_uncertainties(ds, distance, outside, area, limits, released, nodules, when))
    if "ssc_exceedance_time_longest_without_group" in ds.variables:
        longest = ds["ssc_exceedance_time_longest_without_group"].transpose("time", "group", "ssc_threshold")
        out["ssc_exceedance_time_longest_uncertainty"] = (
            ("ssc_threshold",), jackknife_se(longest.values[k], axis=0),
            uncertainty_attrs("ssc_exceedance_time_longest", "s", longest.shape[1], when))

    if "deposit_mass_by_class" in ds.variables:
        dep_thr = ds["deposit_threshold"].values
        by_class = records(ds["deposit_mass_by_class"], ("sediment_class", "y", "x"))
        density = dry_density(ds)
        out["deposit_area_by_class"] = (("sediment_class", "deposit_threshold"),
                                        fields.area_at_or_above(by_class[k] / density, dep_thr, area),
                                        metric_attrs("deposit_area_by_class", when))
        peak = fields.max_over_records(by_class, k) / density  # (class, y, x)
        reached = np.stack([peak >= v for v in dep_thr], axis=1)  # (class, threshold, y, x)
        out["deposit_max_distance_by_class"] = (("sediment_class", "deposit_threshold"),
                                                fields.max_distance(reached, distance),
                                                metric_attrs("deposit_max_distance_by_class", when))
        out["deposited_fraction_within_by_class"] = (
            ("sediment_class", "distance_limit"),
            fields.per_mass(fields.mass_within(np.asarray(by_class[k]), distance, limits, area), released),
            metric_attrs("deposited_fraction_within_by_class", when))
        if final and "deposit_mass_by_class_without_group" in ds.variables:
            out.update(_class_uncertainties(ds, distance, limits, area, released, when))

    if "deposit_mass_by_source" in ds.variables:
        out.update(_by_source(ds, k, distance, area, when))
    elif "mass_deposited_by_source" in ds.variables:  # one source: its fraction only
        out.update(_deposited_fraction_by_source(ds, k, when))

    coords = {"distance_limit": ("distance_limit", limits,
                                 {"units": "m", "long_name": "distance limit from the track for deposited "
                                                             "mass fractions"})}
    return xr.Dataset(out, coords=coords)


def _metric_dims(name: str) -> tuple:
    if name.startswith("deposited_fraction_within"):
        return ("distance_limit",)
    if name.startswith("mass_deposited"):
        return ()
    return ("ssc_threshold",) if name.startswith("ssc") else ("deposit_threshold",)


def _outside_fraction(ds):
    """(y, x) share of each cell outside the collectors' swept footprint; None without source geometry:
    what the mining disturbs beyond the ground it works anyway (plume.analysis.footprint)."""
    if not has_geometry(ds):
        return None
    from .footprint import covered_fraction

    return 1.0 - covered_fraction(ds)


def _field_metrics(ds, deposit_kg_m2, peak_thick, peak_ssc, distance, outside, cell_m2, limits, released,
                   nodules) -> dict:
    """The metrics that depend on the deposit (y, x; kg m-2), its peak thickness (y, x; m) and the peak
    near-bed SSC (y, x; kg m-3), name -> values: evaluated once on the run's fields and once on each
    delete-a-group estimate of them for the uncertainty."""
    dep_thr, ssc_thr = ds["deposit_threshold"].values, ds["ssc_threshold"].values
    deposit_area = fields.area_at_or_above(peak_thick, dep_thr, cell_m2)
    ssc_area = fields.area_at_or_above(peak_ssc, ssc_thr, cell_m2)
    out = {
        "deposit_area": deposit_area,
        "ssc_area": ssc_area,
        "ssc_max_distance": fields.max_distance(np.stack([peak_ssc >= v for v in ssc_thr]), distance),
        "deposit_max_distance": fields.max_distance(np.stack([peak_thick >= v for v in dep_thr]), distance),
        "deposited_fraction_within": fields.per_mass(fields.mass_within(deposit_kg_m2, distance, limits, cell_m2),
                                                     released),
    }
    areas = {"deposit": deposit_area, "ssc": ssc_area}
    if outside is not None:
        thickness = deposit_kg_m2 / dry_density(ds)
        areas["deposit_area_outside_footprint"] = out["deposit_area_outside_footprint"] = np.array(
            [(outside * (thickness >= v)).sum() * cell_m2 for v in dep_thr])
        areas["ssc_area_outside_footprint"] = out["ssc_area_outside_footprint"] = np.array(
            [(outside * (peak_ssc >= v)).sum() * cell_m2 for v in ssc_thr])
        out["mass_deposited_outside_footprint"] = float((deposit_kg_m2 * outside).sum() * cell_m2)
    for per, mass in (("sediment", released), ("nodule", nodules)):
        if not np.isfinite(mass):
            continue
        for kind, values in areas.items():
            name = f"{kind}_area_per_{per}_mass" if kind in ("deposit", "ssc") else f"{kind}_per_{per}_mass"
            out[name] = fields.per_mass(values, mass)
    return out


def uncertainty_attrs(name: str, units: str, n_groups: int, when: str | None = None) -> dict:
    text = (f"standard error of {name} from the particle noise: delete-a-group jackknife over {n_groups} "
            "independent particle groups (docs/outputs.md)")
    return {"units": units, "long_name": text, **({"comment": when} if when else {})}


def _uncertainties(ds, distance, outside, cell_m2, limits, released, nodules, when) -> dict:
    """`<metric>_uncertainty` of every metric of _field_metrics, from the fields without each group."""
    if not all(v in ds.variables for v in ("deposit_mass_without_group", "ssc_max_without_group")):
        return {}
    deposit = ds["deposit_mass_without_group"].transpose("group", "y", "x").values
    ssc = ds["ssc_max_without_group"].transpose("group", "layer", "y", "x").values.max(axis=1)
    density = dry_density(ds)
    estimates = [_field_metrics(ds, deposit[g], deposit[g] / density, ssc[g], distance, outside, cell_m2, limits,
                                released, nodules) for g in range(deposit.shape[0])]
    out = {}
    for name in estimates[0]:
        values = np.stack([np.asarray(e[name], dtype=float) for e in estimates])
        units = "m2" if name in ("deposit_area", "ssc_area") else METRICS[name][0]
        out[f"{name}_uncertainty"] = (_metric_dims(name), jackknife_se(values),
                                      uncertainty_attrs(name, units, deposit.shape[0], when))
    return out


def _jackknife(name: str, dims: tuple, estimates: np.ndarray, when: str) -> dict:
    """`<name>_uncertainty` from its estimates without each group (group first)."""
    units = "m2" if "area" in name else METRICS[name][0]
    return {f"{name}_uncertainty": (dims, jackknife_se(estimates), uncertainty_attrs(name, units, len(estimates),
                                                                                     when))}


def _split_deposit_uncertainties(ds, axis: str, distance, cell_m2, when) -> tuple[dict, np.ndarray, np.ndarray]:
    """The standard errors of deposit_area_by_<axis> and deposit_max_distance_by_<axis> (axis: "class" or
    "source"), from the final split deposit without each group (its peak thickness taken as the final
    one, as for the total deposit's); also returns that deposit (group, <axis>, y, x; kg m-2) and its
    thickness (m) for the metrics only one split has."""
    dim = "sediment_class" if axis == "class" else axis
    dep_thr = ds["deposit_threshold"].values
    without = ds[f"deposit_mass_by_{axis}_without_group"].transpose("group", dim, "y", "x").values
    thick = without / dry_density(ds)
    dims = (dim, "deposit_threshold")
    reached = np.stack([thick >= v for v in dep_thr], axis=2)  # (group, split, threshold, y, x)
    out = _jackknife(f"deposit_area_by_{axis}", dims, fields.area_at_or_above(thick, dep_thr, cell_m2), when)
    out.update(_jackknife(f"deposit_max_distance_by_{axis}", dims, fields.max_distance(reached, distance), when))
    return out, without, thick


def _class_uncertainties(ds, distance, limits, cell_m2, released, when) -> dict:
    """The per-class deposit metrics' standard errors (_split_deposit_uncertainties, and the fractions
    deposited within the distance limits)."""
    out, without, _ = _split_deposit_uncertainties(ds, "class", distance, cell_m2, when)
    fractions = fields.per_mass(fields.mass_within(without, distance, limits, cell_m2), released)
    out.update(_jackknife("deposited_fraction_within_by_class", ("sediment_class", "distance_limit"), fractions,
                          when))
    return out


def _deposited_fraction_by_source(ds, k, when) -> dict:
    released = ds["mass_released_by_source"].transpose("time", "source").values[k]
    deposited = ds["mass_deposited_by_source"].transpose("time", "source").values[k]
    fraction = np.divide(deposited, released, out=np.full(released.shape, np.nan), where=released > 0)
    return {"deposited_fraction_by_source": (("source",), fraction,
                                             metric_attrs("deposited_fraction_by_source", when))}


def _by_source(ds, k, distance, cell_m2, when) -> dict:
    """Each source's own deposit: its areas above the thresholds (in all and outside the swept footprint),
    its reach from the track and the share of its release that lies deposited."""
    dep_thr = ds["deposit_threshold"].values
    by_source = records(ds["deposit_mass_by_source"], ("source", "y", "x"))
    density = dry_density(ds)
    final = np.asarray(by_source[k]) / density
    reached = np.stack([fields.max_over_records(by_source, k) / density >= v for v in dep_thr],
                       axis=1)  # (source, threshold, y, x)
    dims = ("source", "deposit_threshold")
    out = {
        "deposit_area_by_source": (dims, fields.area_at_or_above(final, dep_thr, cell_m2),
                                   metric_attrs("deposit_area_by_source", when)),
        "deposit_max_distance_by_source": (dims, fields.max_distance(reached, distance),
                                           metric_attrs("deposit_max_distance_by_source", when)),
    }
    outside = _outside_fraction(ds)
    if outside is not None:
        areas = np.array([[(outside * (t >= v)).sum() * cell_m2 for v in dep_thr] for t in final])
        out["deposit_area_outside_footprint_by_source"] = (
            dims, areas, metric_attrs("deposit_area_outside_footprint_by_source", when))
    out.update(_deposited_fraction_by_source(ds, k, when))
    if k == ds.sizes["time"] - 1 and "deposit_mass_by_source_without_group" in ds.variables:
        out.update(_source_uncertainties(ds, distance, cell_m2, when))
    return out


def _source_uncertainties(ds, distance, cell_m2, when) -> dict:
    """The per-source deposit metrics' standard errors (_split_deposit_uncertainties, the areas outside
    the swept footprint and the deposited shares)."""
    out, without, thick = _split_deposit_uncertainties(ds, "source", distance, cell_m2, when)
    outside = _outside_fraction(ds)
    if outside is not None:
        dep_thr = ds["deposit_threshold"].values
        areas = np.stack([(outside * (thick >= v)).sum(axis=(-2, -1)) * cell_m2 for v in dep_thr], axis=-1)
        out.update(_jackknife("deposit_area_outside_footprint_by_source", ("source", "deposit_threshold"), areas,
                              when))
    released = ds["mass_released_by_source"].transpose("time", "source").values[-1]
    deposited = without.sum(axis=(-2, -1)) * cell_m2  # (group, source) kg
    fractions = np.divide(deposited, released, out=np.full(deposited.shape, np.nan), where=released > 0)
    out.update(_jackknife("deposited_fraction_by_source", ("source",), fractions, when))
    return out


def add_metrics(ds: xr.Dataset, distances_m=None) -> xr.Dataset:
    """`ds` with its metric variables (computed at the last output time) added or replaced."""
    if distances_m is None:
        distances_m = ds["distance_limit"].values if "distance_limit" in ds.variables else DEFAULT_DISTANCES_M
    metrics = metrics_dataset(ds, -1, distances_m)
    return ds.drop_vars([v for v in metrics.variables if v in ds.variables]).merge(metrics)
