"""A run's first compilation on two cores: the particle step in the run's process, the rest beside it.

On an empty numba cache (the first run after installing, or the first of a new set of processes) a
run compiles the fused particle step (plume.kernels.step, about 40 s of one core for the default
scenario) and the kernels around it (the exposure and SSC estimator, the binning, the bed stress
field, booking deposits: about 35 s) one after another, because numba compiles one function at a
time in a process (its compiler lock). Simulation.compile compiles the step first; when that turns
out to be a real compilation (not a cache load), it starts `python -m plume.compilation` on a copy of
the scenario, which compiles the other kernels into numba's on-disk cache on another core, with the
step swapped for a no-op so that it never compiles it twice. The run waits for it after its own
step is compiled, and loads the rest from the cache. Where the helper fails or is not started (one
core), the run compiles what is missing itself, as before.
"""
from __future__ import annotations

import os
import pickle
import subprocess
import sys
import tempfile
from pathlib import Path

import numpy as np

from .threads import cores_available


def compile_beside(scenario) -> subprocess.Popen | None:
    """Start a helper process that compiles the kernels of `scenario`'s run other than the particle
    step; None on a single core (nothing to gain) or if it cannot start."""
    if cores_available() < 2:
        return None
    name = None
    try:
        handle, name = tempfile.mkstemp(prefix="plume-compile-", suffix=".pickle")
        with os.fdopen(handle, "wb") as file:
            pickle.dump(scenario, file)
        return subprocess.Popen([sys.executable, "-m", "plume.compilation", name], stdin=subprocess.DEVNULL,
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    except (OSError, pickle.PicklingError):
        if name is not None:
            Path(name).unlink(missing_ok=True)  # the helper did not start: nobody else removes it
        return None


def _no_step(*args) -> None:
    """Stands in for plume.kernels.step.step_particles: the process that started this one compiles it."""


def compile_all_but_the_step(scenario) -> None:
    """Call every kernel of a run of `scenario` except the particle step, on its particles at release and
    one output record, so that numba compiles each for the argument types of the real run (nothing is
    written but numba's cache; the record file is scratch and removed)."""
    from . import solver

    step_particles = solver.step_particles
    solver.step_particles = _no_step
    simulation = None
    try:
        simulation = solver.Simulation(scenario)
        simulation.release_due(0.0)
        simulation.record(0)
        simulation.step(0)
        g = simulation.grid
        simulation.accumulators.estimate_deposit(np.zeros((1, g.ny, g.nx)), np.zeros((g.ny, g.nx)))
    finally:
        solver.step_particles = step_particles
        if simulation is not None:
            simulation.close()


def main(argv: list[str]) -> int:
    path = Path(argv[0])
    try:
        with path.open("rb") as file:
            scenario = pickle.load(file)
    finally:
        path.unlink(missing_ok=True)
    compile_all_but_the_step(scenario)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
