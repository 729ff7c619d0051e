"""Checkpoints of a running simulation, and resuming from the last one.

A checkpoint holds everything that changes while a scenario runs: the particles, the
deposit's pools, the accumulated fields and exposure, the mass budget, the resuspension
generator's state and the counters, as of the start of one model step. Everything else
(seabed, currents, sources, processes) is rebuilt from the scenario, which the checkpoint
carries as text and must match. The particle step's random numbers are counter-based
(particle id, step, slot; plume.kernels.random), so a resumed run draws exactly what the
uninterrupted run would have drawn and writes the same file, bit for bit.

The file (`<name>.checkpoint` beside `<name>.nc`) is written under a temporary name and
renamed, with Ctrl-C and SIGTERM held back meanwhile, so an interrupted or killed run
leaves the last complete checkpoint and never a half-written one. A finished run removes it.
"""
from __future__ import annotations

import pickle
from pathlib import Path

from . import __version__
from .errors import PlumeError

FORMAT = 1
# what a step changes (plume.solver.Simulation attributes); the rest is rebuilt from the scenario
last_saved: Path | None = None  # this process's latest checkpoint (the CLI names it when interrupted)
STATE = ("particles", "deposit", "accumulators", "budget", "resuspension_rng", "particles_released",
         "finished_in_arrays", "particle_steps", "next_particle_id", "trajectories", "tau_pa")


def checkpoint_path(nc_path: Path) -> Path:
    """`<name>.checkpoint` beside `<name>.nc`."""
    return Path(nc_path).with_suffix(".checkpoint")


def save(simulation, next_step: int, path: Path) -> None:
    """Write the state of `simulation` before step `next_step`, atomically."""
    from .output import written_atomically
    from .signals import interrupts_deferred

    document = {"format": FORMAT, "plume_version": __version__, "scenario": simulation.scenario.source_text,
                "next_step": int(next_step), "state": {name: getattr(simulation, name) for name in STATE}}
    global last_saved
    with written_atomically(path, suffix=".part") as tmp, interrupts_deferred():
        with open(tmp, "wb") as f:
            pickle.dump(document, f, protocol=pickle.HIGHEST_PROTOCOL)
    last_saved = Path(path)


def restore(simulation, path: Path) -> int:
    """Put the checkpoint's state into a freshly built `simulation` of the same scenario; returns the
    step to continue from."""
    path = Path(path)
    try:
        with open(path, "rb") as f:
            document = pickle.load(f)
    except (OSError, pickle.UnpicklingError, EOFError, AttributeError, ImportError) as err:
        raise PlumeError(f"--resume: cannot read the checkpoint {path}: {err}; delete it to start afresh") from None
    if not isinstance(document, dict) or document.get("format") != FORMAT:
        raise PlumeError(f"--resume: {path} is not a plume checkpoint of this version; delete it to start afresh")
    if document.get("plume_version") != __version__:
        raise PlumeError(f"--resume: {path} was written by plume {document.get('plume_version')}, this is "
                         f"{__version__}; delete it to start afresh")
    if document["scenario"] != simulation.scenario.source_text:
        raise PlumeError(f"--resume: {path} was written for a different scenario (the scenario file or a --set, "
                         "--particles or --seed changed since); run without --resume, or restore the scenario")
    for name, value in document["state"].items():
        setattr(simulation, name, value)
    return int(document["next_step"])
