"""What every validation case shares: its result record, a small scenario builder and figure helpers.

Cases drive the model only through the public API: ``plume.scenario.scenario_from_dict`` (the same
validation as a YAML file), ``plume.solver.run`` and ``plume.solver.Simulation`` (whose pieces,
``release_due`` and ``step``, let a case set initial positions or watch particles between steps).
"""
from __future__ import annotations

import copy
import time
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from plume.kernels import status as st
from plume.scenario import scenario_from_dict
from plume.solver import Simulation

# A closed, quiet, flat-bottomed box: every case changes only what it tests.
BASE = {
    "name": "validation",
    "title": "validation case",
    "site": {"lon": -116.9, "lat": 10.4},
    "time": {"start": "2026-04-01T00:00:00Z", "duration_h": 1, "step_s": 60, "output_every_s": 600},
    "bathymetry": {"flat_depth_m": 100},
    "currents": {"synthetic": {"mean_u_m_s": 0.0, "mean_v_m_s": 0.0}},
    "turbulence": {"horizontal_m2_s": 0.0, "vertical": {"profile": "constant", "value_m2_s": 0.0}},
    "sediment": {"classes": [{"name": "only", "mass_fraction": 1.0, "settling_m_s": 0.0}]},
    "sources": [{"kind": "discharge", "name": "point", "position_m": [0, 0], "height_above_bed_m": 50,
                 "mass_kg": 1.0, "start_h": 0}],
    "particles": {"count": 1000, "seed": 1},
    "grid": {"resolution_m": 10, "extent_m": [-1000, 1000, -1000, 1000], "layers_above_bed_m": [0, 1, 2, 5]},
    "thresholds": {"deposit_mm": [0.001, 0.01], "ssc_mg_l": [0.1, 1]},
    "output": {"directory": "outputs/validation"},
}


def merge(base: dict, changes: dict) -> dict:
    """Deep-merge ``changes`` into a copy of ``base`` (dicts merge, everything else replaces; a dict naming
    its ``profile``, ``model`` or ``preset`` is a different kind of block and replaces the old one whole)."""
    out = copy.deepcopy(base)
    for key, value in changes.items():
        kind_given = isinstance(value, dict) and any(k in value for k in ("profile", "model", "preset"))
        if isinstance(value, dict) and isinstance(out.get(key), dict) and not kind_given:
            out[key] = merge(out[key], value)
        else:
            out[key] = copy.deepcopy(value)
    return out


def scenario(**changes):
    """A validated Scenario: BASE with ``changes`` deep-merged in."""
    return scenario_from_dict(merge(BASE, changes), Path.cwd(), label="<validation case>")


@dataclass
class Check:
    """One compared quantity: the model's value, the reference, the error and its tolerance."""

    quantity: str
    model: float
    reference: str | float
    error: float
    tolerance: float
    passed: bool
    note: str = ""


@dataclass
class CaseResult:
    name: str
    title: str
    kind: str  # "exact" or "field"
    summary: str  # what is compared, and the reference
    checks: list[Check] = field(default_factory=list)
    figures: list[str] = field(default_factory=list)  # file names inside the report folder
    inputs: str = ""  # Markdown: known and assumed inputs (field cases), parameters (exact cases)
    notes: str = ""  # Markdown: what was tried, caveats
    run_time_s: float = 0.0
    error: str = ""  # the case could not run: the one-line reason

    @property
    def passed(self) -> bool:
        return not self.error and bool(self.checks) and all(c.passed for c in self.checks)

    def check(self, quantity, model, reference, error, tolerance, note="", passed=None) -> Check:
        """Record a check; it passes when |error| <= tolerance unless ``passed`` says otherwise."""
        ok = bool(abs(error) <= tolerance) if passed is None else bool(passed)
        c = Check(quantity, float(model), reference, float(error), float(tolerance), ok, note)
        self.checks.append(c)
        return c


class Timer:
    def __enter__(self):
        self.start = time.perf_counter()
        return self

    def __exit__(self, *exc):
        self.seconds = time.perf_counter() - self.start


def run_steps(sim: Simulation, on_step=None) -> None:
    """Step a Simulation to its end (releases due at each step), calling ``on_step(sim, n)`` after each step."""
    for n in range(sim.n_steps):
        sim.release_due(n * sim.dt_s)
        sim.step(n)
        if on_step is not None:
            on_step(sim, n)


def deposited(sim: Simulation) -> np.ndarray:
    p = sim.particles
    return p.status[: p.n_released] == st.DEPOSITED


def active(sim: Simulation) -> np.ndarray:
    p = sim.particles
    return p.status[: p.n_released] == st.ACTIVE


def figure(path: Path, ncols: int = 2, width: float = 10.0, height: float = 3.8):
    """A new matplotlib figure (Agg backend) and its axes."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, axes = plt.subplots(1, ncols, figsize=(width, height), squeeze=False)
    return fig, axes[0]


def save(fig, folder: Path, name: str) -> str:
    import matplotlib.pyplot as plt

    fig.tight_layout()
    fig.savefig(Path(folder) / name, dpi=90)
    plt.close(fig)
    return name


def convergence_axes(ax, x, errors: dict, tolerance=None, xlabel="", slope=None):
    """Log-log error against a numerical parameter, with the tolerance and an optional reference slope."""
    for label, values in errors.items():
        ax.loglog(x, np.maximum(np.abs(values), 1e-12), "o-", label=label)
    if tolerance is not None:
        ax.axhline(tolerance, color="k", ls="--", lw=0.8, label="tolerance")
    if slope is not None:
        power, anchor = slope
        xs = np.asarray(x, dtype=float)
        ax.loglog(xs, anchor * (xs / xs[0]) ** power, "k:", lw=0.8, label=f"slope {power:g}")
    ax.set_xlabel(xlabel)
    ax.set_ylabel("error")
    ax.legend(fontsize=7)


def band_check(result: CaseResult, quantity: str, value: float, low: float, high: float, note: str = "") -> Check:
    """A check that ``value`` lies in the published band [low, high]; the error is the distance outside it."""
    error = 0.0 if low <= value <= high else (value - high if value > high else value - low)
    return result.check(quantity, value, f"{low:g} to {high:g}", error, 0.0, note)
