"""Eddy diffusivity from the scenario: horizontal constant, vertical constant or a table of height above bed."""
from __future__ import annotations

import numpy as np

from .fields import Turbulence


def turbulence_from_spec(spec) -> Turbulence:
    vertical = spec.vertical
    if vertical.profile == "constant":
        heights = np.zeros(1)
        values = np.array([float(vertical.value_m2_s)])
    else:
        heights = np.asarray(vertical.height_above_bed_m, dtype=float)
        values = np.asarray(vertical.value_m2_s, dtype=float)
    return Turbulence(float(spec.horizontal_m2_s), heights, values)
