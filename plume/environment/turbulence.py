"""The bed shear stress law from the scenario (the eddy diffusivities are the mixing processes'
own parameters: plume.processes.horizontal_mixing and plume.processes.vertical_mixing)."""
from __future__ import annotations

import numpy as np

from .boundary_layer import VON_KARMAN
from .fields import BedStress


def bed_stress_from_spec(currents, water_density_kg_m3: float) -> BedStress:
    """The kernels' bed-stress law from a `currents` scenario block (log law or quadratic drag)."""
    spec = currents.bed_stress
    height = float(spec.reference_height_m)
    if spec.law == "log":
        drag = (VON_KARMAN / np.log(height / currents.bed_roughness_m)) ** 2
    else:
        drag = float(spec.drag_coefficient)
    return BedStress(height, float(drag), float(water_density_kg_m3))
