"""Sediment classes: settling speeds (m/s, positive down)."""
from __future__ import annotations

import numpy as np

GRAVITY_M_S2 = 9.81


def stokes_settling_m_s(diameter_m, grain_density_kg_m3, water_density_kg_m3, water_viscosity_pa_s):
    """Stokes (1851) terminal speed of a small sphere: w = (rho_s - rho_w) g d^2 / (18 mu).

    Valid for particle Reynolds numbers below about 1 (silt and clay; fine sand
    at most), which covers the CCZ's clayey silts.
    """
    return (grain_density_kg_m3 - water_density_kg_m3) * GRAVITY_M_S2 * np.square(diameter_m) / (
        18.0 * water_viscosity_pa_s
    )


def settling_speeds(sediment) -> np.ndarray:
    """Settling speed of each class of a `sediment` scenario block, in class order."""
    speeds = []
    for c in sediment.classes:
        if c.settling_m_s is not None:
            speeds.append(float(c.settling_m_s))
        else:
            speeds.append(float(stokes_settling_m_s(
                c.diameter_um * 1e-6, sediment.grain_density_kg_m3,
                sediment.water_density_kg_m3, sediment.water_viscosity_pa_s,
            )))
    return np.array(speeds, dtype=float)
