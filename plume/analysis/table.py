"""A run's metrics as one flat row of named numbers (the metrics files and the comparison table).

Column names carry the threshold and the unit, e.g. ``deposit_area_1mm_m2`` or
``deposited_fraction_within_500m``; per-tonne figures end in ``_per_t_sediment``
or ``_per_t_nodules``. Each SSC and deposit metric carries its standard error from the
particle noise (``uncertainty``; NaN where none is known: plume.analysis.uncertainty).
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .metrics import DEFAULT_DISTANCES_M, metrics_dataset, seconds
from .uncertainty import jackknife_se

TONNE_KG = 1000.0


@dataclass(frozen=True)
class Metric:
    name: str
    value: float
    units: str
    description: str
    uncertainty: float = float("nan")  # standard error from the particle noise (same units)

    def text(self, digits: int = 4) -> str:
        """``2.4 ± 0.1`` (or the value alone when its uncertainty is unknown)."""
        if not np.isfinite(self.value):
            return "-"
        if not np.isfinite(self.uncertainty):
            return f"{self.value:.{digits}g}"
        return f"{self.value:.{digits}g} ± {self.uncertainty:.2g}"


def _g(value: float) -> str:
    return f"{value:.6g}"


def _class_labels(ds) -> list[str]:
    if "sediment_class_name" in ds.variables:
        return [str(v) for v in ds["sediment_class_name"].values]
    if "sediment_class" in ds.coords:
        return [str(v) for v in ds["sediment_class"].values]
    return [str(i) for i in range(ds.sizes.get("sediment_class", 0))]


def metric_rows(ds, time_index: int = -1, distances_m=None, metrics=None) -> list[Metric]:
    """The metrics of `ds` at output `time_index`, each with its unit and a one-line description.
    `metrics`: the metric variables at that time when they are computed already (a dataset that went
    through add_metrics holds them for its last output), so that they are not computed again (in the
    default run that took 4 s)."""
    if distances_m is None:
        distances_m = ds["distance_limit"].values if "distance_limit" in ds.variables else DEFAULT_DISTANCES_M
    k = time_index % ds.sizes["time"]
    m = metrics if metrics is not None else metrics_dataset(ds, k, distances_m)
    t = float(seconds(ds)[k])
    rows = [Metric("time_s", t, "s", "time after the start at which the metrics are taken")]
    for name in ("released", "deposited", "suspended", "exited"):
        rows.append(Metric(f"mass_{name}_kg", float(ds[f"mass_{name}"].values[k]), "kg",
                           f"sediment mass {name} by then"))
    released_t = float(ds["mass_released"].values[k]) / TONNE_KG
    nodules_t = float(m["nodule_mass_collected"]) / TONNE_KG if "nodule_mass_collected" in m else float("nan")
    if np.isfinite(nodules_t):
        rows.append(Metric("nodules_collected_t", nodules_t, "t", "nodule mass collected by then"))
        rows.append(Metric("sediment_per_t_nodules", released_t / nodules_t if nodules_t > 0 else float("nan"),
                           "t t-1", "sediment released per tonne of nodules collected"))

    for i, thr in enumerate(ds["deposit_threshold"].values):
        tag = f"{_g(1000.0 * thr)}mm"
        area = float(ds["deposit_area"].values[k, i])  # the accumulator's own figure
        rows += _area_rows("deposit", tag, f"deposit >= {_g(1000.0 * thr)} mm", area, released_t, nodules_t,
                           _se(m, "deposit_area", i))
        if "deposit_area_outside_footprint" in m:
            rows += _area_rows("deposit", tag, f"deposit >= {_g(1000.0 * thr)} mm outside the swept footprint",
                               float(m["deposit_area_outside_footprint"].values[i]), released_t, nodules_t,
                               _se(m, "deposit_area_outside_footprint", i), where="_outside_footprint")
        rows.append(Metric(f"deposit_max_distance_{tag}_m", float(m["deposit_max_distance"].values[i]), "m",
                           f"largest distance from the track with deposit >= {_g(1000.0 * thr)} mm",
                           _se(m, "deposit_max_distance", i)))
    for i, thr in enumerate(ds["ssc_threshold"].values):
        tag = f"{_g(1000.0 * thr)}mg_l"
        label = f"near-bed SSC >= {_g(1000.0 * thr)} mg/L"
        rows += _area_rows("ssc", tag, label, float(m["ssc_area"].values[i]), released_t, nodules_t,
                           _se(m, "ssc_area", i))
        if "ssc_area_outside_footprint" in m:
            rows += _area_rows("ssc", tag, f"{label} outside the swept footprint",
                               float(m["ssc_area_outside_footprint"].values[i]), released_t, nodules_t,
                               _se(m, "ssc_area_outside_footprint", i), where="_outside_footprint")
        rows.append(Metric(f"ssc_max_distance_{tag}_m", float(m["ssc_max_distance"].values[i]), "m",
                           f"largest distance from the track with {label}", _se(m, "ssc_max_distance", i)))
        rows.append(Metric(f"ssc_exceedance_time_max_{tag}_s", _longest_exceedance(ds, k, thr), "s",
                           f"longest time with {label} in any cell and layer",
                           _se(m, "ssc_exceedance_time_longest", i)))
    if "footprint_area" in m:
        rows.append(Metric("footprint_area_m2", float(m["footprint_area"]), "m2",
                           "seabed area swept by the collectors (tracks widened by their release width)", 0.0))
        rows.append(Metric("mass_deposited_outside_footprint_kg", float(m["mass_deposited_outside_footprint"]), "kg",
                           "sediment mass deposited outside the swept footprint by then",
                           _se(m, "mass_deposited_outside_footprint")))
    exposure = m["ssc_exposure"].values
    rows.append(Metric("ssc_exposure_max_kg_s_m3", float(exposure.max()) if exposure.size else 0.0, "kg m-3 s",
                       "largest near-bed SSC exposure (time integral) of any cell and layer",
                       _largest_exposure_se(ds, k)))
    for i, limit in enumerate(m["distance_limit"].values):
        rows.append(Metric(f"deposited_fraction_within_{_g(limit)}m", float(m["deposited_fraction_within"][i]), "1",
                           f"fraction of released mass deposited within {_g(limit)} m of the track",
                           _se(m, "deposited_fraction_within", i)))
    if "deposited_fraction_within_by_class" in m:
        for c, label in enumerate(_class_labels(ds)):
            for i, limit in enumerate(m["distance_limit"].values):
                rows.append(Metric(f"deposited_fraction_within_{_g(limit)}m_{label}",
                                   float(m["deposited_fraction_within_by_class"].values[c, i]), "1",
                                   f"fraction of released mass deposited as class {label} within {_g(limit)} m",
                                   _se(m, "deposited_fraction_within_by_class", (c, i))))
    rows += _source_rows(ds, m, k)
    return rows


def _source_labels(ds) -> list[str]:
    if "source_name" in ds.variables:
        return [str(v) for v in ds["source_name"].values]
    return [str(i) for i in range(ds.sizes.get("source", 0))]


def _source_rows(ds, m, k: int) -> list[Metric]:
    """Each source's budget, deposited share and deposit areas (columns end in the source's name)."""
    if "mass_released_by_source" not in ds.variables or ds.sizes.get("source", 0) < 2:
        return []
    rows = []
    for s, label in enumerate(_source_labels(ds)):
        for name in ("released", "deposited", "suspended", "exited"):
            value = float(ds[f"mass_{name}_by_source"].transpose("time", "source").values[k, s])
            rows.append(Metric(f"mass_{name}_kg_{label}", value, "kg", f"sediment mass {name} by then, "
                                                                       f"source {label}"))
        if "deposited_fraction_by_source" in m:
            rows.append(Metric(f"deposited_fraction_{label}", float(m["deposited_fraction_by_source"].values[s]),
                               "1", f"share of source {label}'s released mass that lies deposited",
                               _se(m, "deposited_fraction_by_source", s)))
        if "deposit_area_by_source" not in m:
            continue
        for i, thr in enumerate(ds["deposit_threshold"].values):
            tag = f"{_g(1000.0 * thr)}mm"
            rows.append(Metric(f"deposit_area_{tag}_m2_{label}", float(m["deposit_area_by_source"].values[s, i]),
                               "m2", f"area where source {label} alone gives deposit >= {_g(1000.0 * thr)} mm",
                               _se(m, "deposit_area_by_source", (s, i))))
            if "deposit_area_outside_footprint_by_source" in m:
                rows.append(Metric(
                    f"deposit_area_outside_footprint_{tag}_m2_{label}",
                    float(m["deposit_area_outside_footprint_by_source"].values[s, i]), "m2",
                    f"area outside the swept footprint where source {label} alone gives deposit "
                    f">= {_g(1000.0 * thr)} mm", _se(m, "deposit_area_outside_footprint_by_source", (s, i))))
    return rows


def _se(m, name: str, i=None) -> float:
    """The standard error of metric `name` (element i, an index or a tuple of them) from the metrics
    dataset; NaN when unknown."""
    var = f"{name}_uncertainty"
    if var not in m:
        return float("nan")
    values = m[var].values
    return float(values if i is None else values[i])


def _area_rows(kind, tag, label, area, released_t, nodules_t, se=float("nan"), where: str = "") -> list[Metric]:
    """``{kind}_area{where}_{tag}_m2`` and its per-tonne figures (``where``: e.g. ``_outside_footprint``),
    each with its standard error `se` (m2; the masses per tonne are exact)."""
    name = f"{kind}_area{where}_{tag}_m2"
    per = (lambda v, t: v / t if t > 0 else float("nan"))
    rows = [Metric(name, area, "m2", f"area with {label}", se),
            Metric(f"{name}_per_t_sediment", per(area, released_t), "m2 t-1",
                   f"area with {label} per tonne of sediment released", per(se, released_t))]
    if np.isfinite(nodules_t):
        rows.append(Metric(f"{name}_per_t_nodules", per(area, nodules_t), "m2 t-1",
                           f"area with {label} per tonne of nodules collected", per(se, nodules_t)))
    return rows


def _largest_exposure_se(ds, k: int) -> float:
    """Standard error of the largest near-bed exposure of any cell, from the step-resolved exposure
    without each group (the final output only; NaN otherwise)."""
    if k != ds.sizes["time"] - 1 or "ssc_time_integral_without_group" not in ds.variables:
        return float("nan")
    without = ds["ssc_time_integral_without_group"].transpose("group", ...).values
    return float(jackknife_se(without.reshape(without.shape[0], -1).max(axis=1)))


def _longest_exceedance(ds, k: int, threshold: float) -> float:
    if "ssc_exceedance_time_longest" in ds.variables:  # the step-resolved rule, at every output time
        i = int(np.flatnonzero(ds["ssc_threshold"].values == threshold)[0])
        return float(ds["ssc_exceedance_time_longest"].values[k, i])
    if k == ds.sizes["time"] - 1 and "ssc_exceedance_time" in ds.variables:
        i = int(np.flatnonzero(ds["ssc_threshold"].values == threshold)[0])
        values = ds["ssc_exceedance_time"].values[i]
    else:
        from .fields import exceedance_time

        t = seconds(ds)
        interval = float(t[1] - t[0]) if t.size > 1 else 0.0
        values = exceedance_time(ds["ssc"].values[: k + 1], [threshold], interval)
    return float(values.max()) if values.size else 0.0
