"""Eddy diffusivity from the scenario: horizontal constant; vertical constant, a table of height above
bed, or a bottom-boundary-layer profile from the friction velocity."""
from __future__ import annotations

import numpy as np

from .fields import Turbulence


def turbulence_from_spec(spec) -> Turbulence:
    vertical = spec.vertical
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
