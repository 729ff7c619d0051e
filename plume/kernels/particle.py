"""What every process's per-particle function reads: the particle at the start of the step
(``Here``) and the step's environment (``StepEnvironment``). Built inside the step's loop
(``Here``) or once per step by the solver (``StepEnvironment``)."""
from typing import NamedTuple


class Here(NamedTuple):
    """One particle at the start of the step."""

    x_m: float
    y_m: float
    z_m: float  # elevation, positive up, sea surface 0
    height_m: float  # above the local seabed
    depth_m: float  # of the local seabed, positive down
    class_index: int
    age_s: float  # since release (or resuspension)
    concentration_kg_m3: float  # SSC of its output-grid cell (0 unless flocculation or hindered settling is on)


class StepEnvironment(NamedTuple):
    """The fields of one step: seabed, currents blended to the RK4 stage times with their clock,
    the bed shear stress field and the local concentration."""

    seabed: tuple  # plume.environment.fields.SeabedGrid
    currents: tuple  # plume.environment.fields.CurrentGrid
    clock: tuple  # per stage: time index, time fraction, near-bed and midwater uniform flow
    stress: tuple  # plume.kernels.bedstress.BedStressField
    concentration: tuple  # plume.kernels.concentration.LocalConcentration
