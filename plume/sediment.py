"""Sediment classes: settling speeds (m/s, positive down)."""
from __future__ import annotations

import numpy as np

from .errors import ScenarioError

GRAVITY_M_S2 = 9.81


def stokes_settling_m_s(diameter_m, grain_density_kg_m3, water_density_kg_m3, water_viscosity_pa_s):
    """Stokes (1851) terminal speed of a small sphere: w = (rho_s - rho_w) g d^2 / (18 mu).

    Valid for particle Reynolds numbers below about 1 (silt and clay; fine sand
    at most), which covers the CCZ's clayey silts.
    """
    return (grain_density_kg_m3 - water_density_kg_m3) * GRAVITY_M_S2 * np.square(diameter_m) / (
        18.0 * water_viscosity_pa_s
    )


def floc_settling_m_s(floc_size_m, fractal_dimension, primary_diameter_m, grain_density_kg_m3,
                      water_density_kg_m3, water_viscosity_pa_s, alpha=1.0, beta=1.0):
    """Settling speed of a fractal floc (Winterwerp 1998, J. Hydraul. Res. 36; after Kranenburg 1994):

        w = (alpha / (18 beta)) ((rho_s - rho_w) g / mu) D_p^(3 - nf) D_f^(nf - 1) / (1 + 0.15 Re^0.687),
        Re = w D_f rho_w / mu,

    with D_f the floc size, D_p the primary-particle size and nf the fractal dimension (the
    floc's excess density falls as (D_p / D_f)^(3 - nf)); alpha and beta are shape factors
    (1 for spheres); the denominator is the Schiller-Naumann drag correction for Re up to
    about 1000. nf = 3 and D_f = D_p give Stokes' law with that correction. The implicit
    equation is solved by bisection: the left side w (1 + 0.15 Re^0.687) grows with w.
    """
    size = np.asarray(floc_size_m, dtype=float)
    nf = np.asarray(fractal_dimension, dtype=float)
    creeping = (alpha / (18.0 * beta)) * (grain_density_kg_m3 - water_density_kg_m3) * GRAVITY_M_S2 \
        / water_viscosity_pa_s * np.power(primary_diameter_m, 3.0 - nf) * np.power(size, nf - 1.0)
    low, high = np.zeros_like(creeping), np.array(creeping, dtype=float)
    for _ in range(80):  # halves the bracket each time: 80 halvings reach round-off
        w = 0.5 * (low + high)
        reynolds = w * size * water_density_kg_m3 / water_viscosity_pa_s
        too_fast = w * (1.0 + 0.15 * np.power(reynolds, 0.687)) > creeping
        high = np.where(too_fast, w, high)
        low = np.where(too_fast, low, w)
    w = 0.5 * (low + high)
    return float(w) if w.ndim == 0 else w


def class_settling_m_s(c, sediment) -> float:
    """Settling speed (m/s) of one class: given, Stokes from diameter_um, or the floc law."""
    if c.settling_m_s is not None:
        return float(c.settling_m_s)
    if getattr(c, "floc", None) is not None:
        if sediment.grain_density_kg_m3 <= sediment.water_density_kg_m3:
            raise ScenarioError(
                f"sediment.grain_density_kg_m3: must be > water_density_kg_m3 "
                f"({sediment.water_density_kg_m3:g}) when a class gives floc, got {sediment.grain_density_kg_m3:g}")
        return float(floc_settling_m_s(
            c.floc.size_um * 1e-6, c.floc.fractal_dimension, c.floc.primary_diameter_um * 1e-6,
            sediment.grain_density_kg_m3, sediment.water_density_kg_m3, sediment.water_viscosity_pa_s))
    return float(stokes_settling_m_s(
        c.diameter_um * 1e-6, sediment.grain_density_kg_m3,
        sediment.water_density_kg_m3, sediment.water_viscosity_pa_s,
    ))


def settling_speeds(sediment) -> np.ndarray:
    """Settling speed of each class of a `sediment` scenario block, in class order."""
    return np.array([class_settling_m_s(c, sediment) for c in sediment.classes], dtype=float)
