"""Impact metrics as pure functions of gridded fields (numpy arrays in SI units).

Each works on the accumulated fields of a run, never on trajectories, so a
result file alone is enough to compute them again.
"""
from __future__ import annotations

import numpy as np


def area_at_or_above(field, thresholds, cell_area_m2: float) -> np.ndarray:
    """Area (m2) of cells with field >= each threshold, over the last two axes: shape (..., threshold)."""
    field = np.asarray(field)
    return np.stack([(field >= t).sum(axis=(-2, -1)) for t in np.asarray(thresholds)], axis=-1) * cell_area_m2


def exceedance_time(ssc, thresholds, interval_s: float) -> np.ndarray:
    """(threshold, ...) time (s) at or above each threshold: each snapshot after the first stands for the
    output interval that ends at it (the accumulator's rule, so both agree)."""
    later = np.asarray(ssc)[1:]
    return np.stack([(later >= t).sum(axis=0) * interval_s for t in np.asarray(thresholds)])


def exposure(ssc, time_s) -> np.ndarray:
    """Time integral of SSC (kg m-3 s) over axis 0, trapezoid rule over the output times."""
    t = np.asarray(time_s, dtype=float)
    total = np.zeros(np.shape(ssc)[1:])
    # one interval at a time, in float64: memory stays at one snapshot whatever the number of outputs
    for k in range(1, len(t)):
        total += 0.5 * (t[k] - t[k - 1]) * (np.asarray(ssc[k], dtype=float) + np.asarray(ssc[k - 1], dtype=float))
    return total


def max_over_records(series, k: int) -> np.ndarray:
    """Maximum over records 0..k of a sequence of arrays (series[i] is record i), one record at a time."""
    peak = np.array(series[0], dtype=float)
    for i in range(1, k + 1):
        np.maximum(peak, series[i], out=peak)
    return peak


def max_distance(reached, distance_m) -> np.ndarray:
    """Largest distance (m) of a cell where `reached` is true, over the last two axes; NaN where none is."""
    reached = np.asarray(reached, dtype=bool)
    d = np.broadcast_to(np.asarray(distance_m, dtype=float), reached.shape)
    masked = np.where(reached, d, -np.inf).max(axis=(-2, -1))
    return np.where(np.isfinite(masked), masked, np.nan)


def mass_within(deposit_kg_m2, distance_m, limits_m, cell_area_m2: float) -> np.ndarray:
    """Deposited mass (kg) in cells whose centre lies within each distance limit: shape (..., limit)."""
    mass = np.asarray(deposit_kg_m2, dtype=float) * cell_area_m2
    return np.stack([np.where(np.asarray(distance_m) <= limit, mass, 0.0).sum(axis=(-2, -1))
                     for limit in np.asarray(limits_m, dtype=float)], axis=-1)


def collected_by(rate_kg_s, start_s, stop_s, time_s: float) -> float:
    """Mass (kg) collected by time t by sources with a rate over [start, stop]; NaN when no source has a rate."""
    rate = np.asarray(rate_kg_s, dtype=float)
    known = np.isfinite(rate)
    if not known.any():
        return float("nan")
    active = np.clip(np.minimum(np.asarray(stop_s, float), time_s) - np.asarray(start_s, float), 0.0, None)
    return float(np.sum(rate[known] * active[known]))


def per_mass(value, mass_kg: float):
    """value per kg of mass; NaN when the mass is zero or unknown."""
    value = np.asarray(value, dtype=float)
    if not np.isfinite(mass_kg) or mass_kg <= 0:
        return np.full(value.shape, np.nan)
    return value / mass_kg
