"""The bottom boundary layer: friction velocity, bed shear stress and eddy diffusivity near the bed.

Law of the wall (e.g. Soulsby 1997, Dynamics of Marine Sands, ch. 3): in the
logarithmic layer u(h) = (u* / kappa) ln(h / z0), so one speed at one height
gives u* = kappa u(h) / ln(h / z0) and the bed shear stress tau = rho u*^2.
The quadratic drag law tau = rho C_d u(h)^2 gives the same with
C_d = (kappa / ln(h / z0))^2.

Eddy diffusivity: K(h) = kappa u* h next to the bed (law of the wall), or the
parabolic profile K(h) = kappa u* h (1 - h / delta) over a boundary layer of
thickness delta, joined smoothly to the background diffusivity (the formula lives in
plume.processes.vertical_mixing, where the kernels use it).
"""
from __future__ import annotations

import numpy as np

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


def boundary_layer_diffusivity(friction_velocity: float, thickness_m: float, background_m2_s: float,
                               shape: str = "parabolic", heights_m=None) -> tuple[np.ndarray, np.ndarray]:
    """(heights, K) of the bottom boundary layer at the given heights above the bed (default: 65 nodes
    packed towards the bed), from the one formula the kernels use (plume.processes.vertical_mixing)."""
    from ..processes.vertical_mixing import layer_diffusivity

    if shape not in ("parabolic", "law_of_the_wall"):
        raise ValueError(f"shape must be 'parabolic' or 'law_of_the_wall', got {shape!r}")
    heights = thickness_m * np.linspace(0.0, 1.0, 65) ** 2 if heights_m is None else np.asarray(heights_m, float)
    values = np.array([layer_diffusivity(float(friction_velocity), float(h), float(thickness_m),
                                         float(background_m2_s), shape == "law_of_the_wall")[0] for h in heights])
    return heights, values
