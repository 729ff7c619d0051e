"""Eddy diffusivity from the scenario: horizontal constant; vertical constant, a table of height above
bed, or a bottom-boundary-layer profile from a given friction velocity or from the local flow."""
from __future__ import annotations

import numpy as np

from .fields import BedStress, Turbulence


def turbulence_from_spec(spec) -> Turbulence:
    vertical = spec.vertical
    if vertical.profile == "boundary_layer" and vertical.friction_velocity_m_s == "from_flow":
        background = float(vertical.background_m2_s)
        return Turbulence(float(spec.horizontal_m2_s), np.zeros(1), np.array([background]),
                          float(vertical.thickness_m), background, vertical.shape == "law_of_the_wall")
    if vertical.profile == "boundary_layer":
        from .boundary_layer import boundary_layer_diffusivity

        layer = boundary_layer_diffusivity(
            float(vertical.friction_velocity_m_s), float(vertical.thickness_m),
            float(vertical.background_m2_s), vertical.shape,
        )
        heights, values = layer.height_above_bed_m, layer.vertical_m2_s
    elif vertical.profile == "constant":
        heights = np.zeros(1)
        values = np.array([float(vertical.value_m2_s)])
    else:
        heights = np.asarray(vertical.height_above_bed_m, dtype=float)
        values = np.asarray(vertical.value_m2_s, dtype=float)
    return Turbulence(float(spec.horizontal_m2_s), heights, values)


def bed_stress_from_spec(currents, water_density_kg_m3: float) -> BedStress:
    """The kernels' bed-stress law from a `currents` scenario block (log law or quadratic drag)."""
    from .boundary_layer import VON_KARMAN

    spec = currents.bed_stress
    height = float(spec.reference_height_m)
    if spec.law == "log":
        drag = (VON_KARMAN / np.log(height / currents.bed_roughness_m)) ** 2
    else:
        drag = float(spec.drag_coefficient)
    return BedStress(height, float(drag), float(water_density_kg_m3))
