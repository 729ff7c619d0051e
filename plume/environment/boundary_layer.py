"""The bottom boundary layer: friction velocity, bed shear stress and eddy diffusivity near the bed.

Law of the wall (e.g. Soulsby 1997, Dynamics of Marine Sands, ch. 3): in the
logarithmic layer u(h) = (u* / kappa) ln(h / z0), so one speed at one height
gives u* = kappa u(h) / ln(h / z0) and the bed shear stress tau = rho u*^2.
The quadratic drag law tau = rho C_d u(h)^2 gives the same with
C_d = (kappa / ln(h / z0))^2.

Eddy diffusivity: K(h) = kappa u* h next to the bed (law of the wall), or the
parabolic profile K(h) = kappa u* h (1 - h / delta) over a boundary layer of
thickness delta, never below the background diffusivity above it.
"""
from __future__ import annotations

import numpy as np

from .fields import Turbulence

VON_KARMAN = 0.41


def friction_velocity_m_s(speed_m_s, height_m: float, roughness_m: float):
    """u* (m/s) from the current speed at a height above the bed, by the law of the wall."""
    if not height_m > roughness_m > 0:
        raise ValueError("need height_m > roughness_m > 0")
    return VON_KARMAN * np.abs(speed_m_s) / np.log(height_m / roughness_m)


def bed_shear_stress_log_pa(speed_m_s, height_m: float, roughness_m: float, water_density_kg_m3: float):
    """tau = rho u*^2 (Pa), u* from the law of the wall."""
    return water_density_kg_m3 * friction_velocity_m_s(speed_m_s, height_m, roughness_m) ** 2


def bed_shear_stress_quadratic_pa(speed_m_s, drag_coefficient: float, water_density_kg_m3: float):
    """tau = rho C_d u^2 (Pa), with C_d for the height the speed is taken at (about 2.5e-3 at 1 m)."""
    return water_density_kg_m3 * drag_coefficient * np.square(speed_m_s)


def boundary_layer_diffusivity(
    friction_velocity: float, thickness_m: float, background_m2_s: float,
    shape: str = "parabolic", nodes: int = 65,
) -> Turbulence:
    """K(h) of the bottom boundary layer as the kernels' piecewise-linear profile of height above bed.

    Nodes are packed towards the bed, where K changes fastest; above `thickness_m`
    K is the background value. Horizontal diffusivity is left at 0 (set it apart).
    """
    if shape not in ("parabolic", "law_of_the_wall"):
        raise ValueError(f"shape must be 'parabolic' or 'law_of_the_wall', got {shape!r}")
    heights = thickness_m * np.linspace(0.0, 1.0, nodes) ** 2
    k = VON_KARMAN * friction_velocity * heights
    if shape == "parabolic":
        k = k * (1.0 - heights / thickness_m)
    else:
        k = np.minimum(k, VON_KARMAN * friction_velocity * thickness_m / 4.0)  # capped at the parabola's peak
    values = np.maximum(k, background_m2_s)
    if shape == "law_of_the_wall":
        values[-1] = background_m2_s  # hand over to the background above the layer
    return Turbulence(0.0, heights, values)
