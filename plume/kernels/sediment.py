"""Sediment behaviour in the water: flocculation between classes, hindered settling, and the
local concentration both depend on.

Flocculation: a particle of a class that flocculates turns, as a whole, into its
target (floc) class with probability 1 - exp(-k dt) per step, so mass moves between
classes and is never lost; for a constant rate k the unflocculated share is
exp(-k t). The rate grows with the local concentration C, as collisions do:
k = k_ref (C / C_ref)^a (a = 0: constant).

Hindered settling (Richardson & Zaki 1954): w = w0 (1 - phi)^n with the volume
fraction phi = C / C_ref (C_ref: the grain density for dispersed grains, a gelling
concentration for flocs).

C is the suspended concentration (kg/m3, all classes) of the output-grid cell holding
the particle, binned from the particles at the start of the step: near-bed layers
by height above bed, midwater cells by depth; elsewhere C = 0.
"""
from typing import NamedTuple

import numpy as np
from numba import njit

from .interpolate import irregular_index


class SedimentBehaviour(NamedTuple):
    settling_m_s: np.ndarray  # (n_class,) still-water settling speed, positive down
    deposition_probability: float  # chance that a particle reaching the bed stays there
    critical_deposition_stress_pa: float  # Krone (1962): P = 1 - tau / tau_cd below it; 0 means off
    floc_target: np.ndarray  # (n_class,) int64 class each one flocculates into, -1: none
    floc_rate_per_s: np.ndarray  # (n_class,) k_ref
    floc_reference_kg_m3: np.ndarray  # (n_class,) C_ref
    floc_exponent: np.ndarray  # (n_class,) a
    hindered_exponent: float  # n; 0 means off
    hindered_reference_kg_m3: float


class LocalConcentration(NamedTuple):
    """Suspended concentration (kg/m3) on the output grid's cells, refreshed each step when needed."""

    active: bool
    x_min_m: float
    y_min_m: float
    resolution_m: float
    layer_bounds_m: np.ndarray  # (nl + 1,) heights above bed
    level_bounds_m: np.ndarray  # (nlev + 1,) depths, or (1,) without midwater cells
    layer_kg_m3: np.ndarray  # (nl, ny, nx)
    level_kg_m3: np.ndarray  # (nlev, ny, nx), nlev may be 0


@njit(cache=True, inline="always")
def concentration_at(conc, x, y, height_above_bed_m, depth_m):
    """C (kg/m3) in the cell holding the point, 0 outside the grid's layers and levels."""
    if not conc.active:
        return 0.0
    n_layers, ny, nx = conc.layer_kg_m3.shape
    i = int(np.floor((x - conc.x_min_m) / conc.resolution_m))
    j = int(np.floor((y - conc.y_min_m) / conc.resolution_m))
    if i < 0 or j < 0 or i >= nx or j >= ny:
        return 0.0
    bounds = conc.layer_bounds_m
    if bounds[0] <= height_above_bed_m < bounds[n_layers]:
        k, _ = irregular_index(height_above_bed_m, bounds)
        return conc.layer_kg_m3[k, j, i]
    n_levels = conc.level_kg_m3.shape[0]
    levels = conc.level_bounds_m
    if n_levels > 0 and levels[0] <= depth_m < levels[n_levels]:
        k, _ = irregular_index(depth_m, levels)
        return conc.level_kg_m3[k, j, i]
    return 0.0


@njit(cache=True, inline="always")
def flocculation_chance(sediment, class_index, concentration_kg_m3, dt):
    """Probability that a particle of this class flocculates during dt (0 if it cannot)."""
    if sediment.floc_target[class_index] < 0:
        return 0.0
    rate = sediment.floc_rate_per_s[class_index]
    exponent = sediment.floc_exponent[class_index]
    if exponent != 0.0:
        rate *= (max(concentration_kg_m3, 0.0) / sediment.floc_reference_kg_m3[class_index]) ** exponent
    return 1.0 - np.exp(-rate * dt)


@njit(cache=True, inline="always")
def hindered_settling_factor(sediment, concentration_kg_m3):
    """(1 - phi)^n, phi = C / C_ref clipped to [0, 1]; 1 when hindered settling is off."""
    if sediment.hindered_exponent <= 0.0 or concentration_kg_m3 <= 0.0:
        return 1.0
    phi = min(concentration_kg_m3 / sediment.hindered_reference_kg_m3, 1.0)
    return (1.0 - phi) ** sediment.hindered_exponent
