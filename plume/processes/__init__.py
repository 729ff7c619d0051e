"""The physical processes of the particle step, one module each.

Every process module holds the same four things, so that adding one is one new module
and one line in the step (docs/adding-a-process.md):

- ``Block``: its scenario block (a pydantic model); the process is on when the block is
  present in the scenario and off when it is absent, never through a magic value;
- ``Params``: the NamedTuple of plain numbers and arrays the kernels read, and
  ``params_from_scenario(scenario, ...)`` that builds it (``None`` when the process is off:
  the step is compiled without it, numba prunes the branch);
- its per-particle function, with the shared signature
  ``(params, here, env, dt, stream, counter_base)``: ``here`` is the particle at the start
  of the step (``plume.kernels.particle.Here``), ``env`` the step's environment
  (``plume.kernels.particle.StepEnvironment``), ``stream`` the particle's random stream and
  ``counter_base = step_index * MAX_DRAWS``. Movers return a displacement ``(dx, dy, dz)``
  in metres; the step adds the displacements, so movers commute;
- ``DRAW_SLOTS``: the random-draw slots it owns. Draw ``slot`` of a step is counter
  ``step_index * MAX_DRAWS + slot`` of the particle's stream, so a new process with new
  slots leaves every other process's draws, and results, unchanged.

The order in which the step applies them is ``STEP_ORDER``.
"""
from .. import kernels  # noqa: F401, I001  (first: its cache locator must be in place before any process is decorated)
from . import (advection, delayed_sinking, deposition, density_damping, flocculation, hindered_settling,
               horizontal_mixing, resuspension, settling, vertical_mixing)
from typing import NamedTuple

from .draws import MAX_DRAWS

STEP_ORDER = (flocculation, advection, horizontal_mixing, delayed_sinking, vertical_mixing, density_damping,
              settling, hindered_settling, deposition, resuspension)


class StepProcesses(NamedTuple):
    """The parameters of every per-particle process, in the step's argument order; an optional
    process is None when its block is absent."""

    advection: advection.Params
    horizontal_mixing: horizontal_mixing.Params
    vertical_mixing: vertical_mixing.Params
    settling: settling.Params
    deposition: deposition.Params
    hindered_settling: "hindered_settling.Params | None"
    flocculation: "flocculation.Params | None"
    density_damping: "density_damping.Params | None"
    delayed_sinking: "delayed_sinking.Params | None"

    @property
    def needs_concentration(self) -> bool:
        """Whether a process reads the local concentration (estimated before each step)."""
        return any(p is not None for p in (self.hindered_settling, self.flocculation, self.density_damping))

    @property
    def reads_cell_concentration(self) -> bool:
        """Whether a process reads the concentration of the particle's own cell (near-bed layer or midwater
        level): flocculation and hindered settling. Density damping reads only the near-bed gradient."""
        return self.hindered_settling is not None or self.flocculation is not None

    @property
    def needs_bed_stress(self) -> bool:
        """Whether a per-particle process reads the bed shear stress field."""
        return (self.vertical_mixing.u_star_from_flow or self.deposition.krone
                or self.density_damping is not None)


def step_processes(scenario) -> StepProcesses:
    """Build every per-particle process's parameters from a validated scenario."""
    return StepProcesses(*(module.params_from_scenario(scenario) for module in (
        advection, horizontal_mixing, vertical_mixing, settling, deposition, hindered_settling, flocculation,
        density_damping, delayed_sinking)))


def draw_slot_owners() -> dict[int, str]:
    """{slot: process name} over every process; raises ValueError when two claim one slot."""
    owners: dict[int, str] = {}
    for module in STEP_ORDER:
        name = module.__name__.rsplit(".", 1)[-1]
        for slot in module.DRAW_SLOTS:
            if not 0 <= slot < MAX_DRAWS:
                raise ValueError(f"{name}: draw slot {slot} outside 0..{MAX_DRAWS - 1}")
            if slot in owners:
                raise ValueError(f"{name}: draw slot {slot} already belongs to {owners[slot]}")
            owners[slot] = name
    return owners


__all__ = ["MAX_DRAWS", "STEP_ORDER", "StepProcesses", "draw_slot_owners", "step_processes"]
