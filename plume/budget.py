"""The mass budget: one owner for released, suspended, deposited, exited and resuspended mass.

The solver books every movement of mass here (a release, a deposit, an exit, an
erosion) and records the running totals at each output time, in all and for each
source; the deposit and the output read from it. The budget closes when
released = suspended + deposited + exited at every output time, in all and for every
source (a resuspended particle keeps its source), to the round-off of summing the
particle masses.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

RELATIVE_TOLERANCE = 1e-12
QUANTITIES = ("released", "suspended", "deposited", "exited", "resuspended")


class BudgetError(RuntimeError):
    """The budget did not close: a bug, never bad input."""


@dataclass
class MassBudget:
    n_outputs: int
    n_sources: int = 1
    released_kg: float = 0.0
    deposited_kg: float = 0.0  # net of resuspension
    exited_kg: float = 0.0
    resuspended_kg: float = 0.0
    series_kg: dict = field(init=False)  # quantity -> (n_outputs,) recorded values
    by_source_kg: dict = field(init=False)  # quantity -> (n_sources,) running totals
    series_by_source_kg: dict = field(init=False)  # quantity -> (n_outputs, n_sources) recorded values

    def __post_init__(self):
        self.series_kg = {name: np.zeros(self.n_outputs) for name in QUANTITIES}
        self.by_source_kg = {name: np.zeros(self.n_sources) for name in QUANTITIES if name != "suspended"}
        self.series_by_source_kg = {name: np.zeros((self.n_outputs, self.n_sources)) for name in QUANTITIES}

    # each movement gives its total and, where there is more than one source, its split by source
    # (None: all of it from source 0)

    def _split(self, kg: float, kg_by_source) -> np.ndarray:
        if kg_by_source is not None:
            return np.asarray(kg_by_source, dtype=float)
        split = np.zeros(self.n_sources)
        split[0] = kg
        return split

    def _book(self, name: str, kg: float, kg_by_source) -> None:
        self.by_source_kg[name] += self._split(kg, kg_by_source)

    def release(self, kg: float, kg_by_source=None) -> None:
        self.released_kg += kg
        self._book("released", kg, kg_by_source)

    def deposit(self, kg: float, kg_by_source=None) -> None:
        self.deposited_kg += kg
        self._book("deposited", kg, kg_by_source)

    def exit(self, kg: float, kg_by_source=None) -> None:
        self.exited_kg += kg
        self._book("exited", kg, kg_by_source)

    def resuspend(self, kg: float, kg_by_source=None) -> None:
        """Mass eroded from the deposit back into the water."""
        self.deposited_kg -= kg
        self.resuspended_kg += kg
        self._book("resuspended", kg, kg_by_source)
        self.by_source_kg["deposited"] -= self._split(kg, kg_by_source)

    def record(self, k: int, suspended_kg: float, n_particles: int, suspended_by_source_kg=None) -> None:
        """Store the totals at output time k and check that the budget closes, in all and per source.

        The bound is the round-off of summing n particle masses in different orders
        (n eps), and at least 1e-12, relative to the released mass.
        """
        values = (self.released_kg, suspended_kg, self.deposited_kg, self.exited_kg, self.resuspended_kg)
        for name, value in zip(QUANTITIES, values):
            self.series_kg[name][k] = value
        suspended = self._split(suspended_kg, suspended_by_source_kg)
        for name in QUANTITIES:
            self.series_by_source_kg[name][k] = suspended if name == "suspended" else self.by_source_kg[name]
        tolerance = max(RELATIVE_TOLERANCE, n_particles * np.finfo(float).eps)
        residual = self.released_kg - (suspended_kg + self.deposited_kg + self.exited_kg)
        if abs(residual) > tolerance * max(self.released_kg, 1e-300) + 1e-300:
            raise BudgetError(f"mass budget does not close at output {k}: residual {residual} kg")
        s = self.by_source_kg
        residuals = s["released"] - (suspended + s["deposited"] + s["exited"])
        worst = int(np.argmax(np.abs(residuals)))
        if abs(residuals[worst]) > tolerance * max(self.released_kg, 1e-300) + 1e-300:
            raise BudgetError(f"mass budget of source {worst} does not close at output {k}: "
                              f"residual {residuals[worst]} kg")

    @property
    def residual_kg(self) -> np.ndarray:
        s = self.series_kg
        return s["released"] - (s["suspended"] + s["deposited"] + s["exited"])
