"""The mass budget: one owner for released, suspended, deposited, exited and resuspended mass.

The solver books every movement of mass here (a release, a deposit, an exit, an
erosion) and records the running totals at each output time; the deposit and the
output read from it. The budget closes when released = suspended + deposited + exited
at every output time, to the round-off of summing the particle masses.
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
    released_kg: float = 0.0
    deposited_kg: float = 0.0  # net of resuspension
    exited_kg: float = 0.0
    resuspended_kg: float = 0.0
    series_kg: dict = field(init=False)  # quantity -> (n_outputs,) recorded values

    def __post_init__(self):
        self.series_kg = {name: np.zeros(self.n_outputs) for name in QUANTITIES}

    def release(self, kg: float) -> None:
        self.released_kg += kg

    def deposit(self, kg: float) -> None:
        self.deposited_kg += kg

    def exit(self, kg: float) -> None:
        self.exited_kg += kg

    def resuspend(self, kg: float) -> None:
        """Mass eroded from the deposit back into the water."""
        self.deposited_kg -= kg
        self.resuspended_kg += kg

    def record(self, k: int, suspended_kg: float, n_particles: int) -> None:
        """Store the totals at output time k and check that the budget closes.

        The bound is the round-off of summing n particle masses in different orders
        (n eps), and at least 1e-12, relative to the released mass.
        """
        values = (self.released_kg, suspended_kg, self.deposited_kg, self.exited_kg, self.resuspended_kg)
        for name, value in zip(QUANTITIES, values):
            self.series_kg[name][k] = value
        residual = self.released_kg - (suspended_kg + self.deposited_kg + self.exited_kg)
        tolerance = max(RELATIVE_TOLERANCE, n_particles * np.finfo(float).eps)
        if abs(residual) > tolerance * max(self.released_kg, 1e-300) + 1e-300:
            raise BudgetError(f"mass budget does not close at output {k}: residual {residual} kg")

    @property
    def residual_kg(self) -> np.ndarray:
        s = self.series_kg
        return s["released"] - (s["suspended"] + s["deposited"] + s["exited"])
