"""The particles: a struct of arrays in release order, and what changes its length
(compaction of finished particles, resuspended particles joining the water)."""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .deposit import NewParticles
from .kernels import status as st
from .sources import ReleaseSchedule


@dataclass
class ParticleState:
    """Struct of arrays, in release order. `particle_id` keys each particle's random stream, so it
    survives compaction; particles [0, n_released) are in the water or finished since the last compaction."""

    x_m: np.ndarray
    y_m: np.ndarray
    z_m: np.ndarray
    mass_kg: np.ndarray
    class_index: np.ndarray
    status: np.ndarray
    release_time_s: np.ndarray
    particle_id: np.ndarray
    n_released: int = 0
    source_index: np.ndarray | None = None  # int16: which of the scenario's sources released it (None: 0)

    ARRAYS = ("x_m", "y_m", "z_m", "mass_kg", "class_index", "status", "release_time_s", "particle_id",
              "source_index")

    def __post_init__(self):
        if self.source_index is None:
            self.source_index = np.zeros(self.x_m.size, dtype=np.int16)

    @classmethod
    def from_schedule(cls, schedule: ReleaseSchedule) -> "ParticleState":
        # takes the schedule's arrays over: release positions become the initial state
        return cls(
            schedule.x_m, schedule.y_m, schedule.z_m, schedule.mass_kg,
            schedule.class_index, np.full(schedule.count, st.WAITING, dtype=np.int8), schedule.time_s,
            np.arange(schedule.count, dtype=np.int32), source_index=schedule.source_index,
        )

    @property
    def bytes_per_particle(self) -> int:
        return sum(getattr(self, name).itemsize for name in self.ARRAYS)

    def compact(self) -> int:
        """Drop deposited and exited particles from the arrays, keeping order; returns how many left."""
        keep = (self.status != st.DEPOSITED) & (self.status != st.EXITED)
        removed = int(keep.size - np.count_nonzero(keep))
        if removed:
            for name in self.ARRAYS:  # one array at a time: the peak stays near one extra column
                setattr(self, name, np.ascontiguousarray(getattr(self, name)[keep]))
            self.n_released -= removed
        return removed

    def count(self, code) -> int:
        return int(np.count_nonzero(self.status == code))

    def insert_active(self, new: NewParticles, time_s: float, first_id: int) -> None:
        """Put new particles (resuspended from the bed) into the water now, after the released ones."""
        at = self.n_released
        columns = {
            "x_m": new.x_m, "y_m": new.y_m, "z_m": new.z_m, "mass_kg": new.mass_kg,
            "class_index": new.class_index, "status": np.full(new.count, st.ACTIVE, np.int8),
            "release_time_s": np.full(new.count, time_s), "particle_id": first_id + np.arange(new.count),
            "source_index": new.source_index,
        }
        for name in self.ARRAYS:
            old = getattr(self, name)
            setattr(self, name, np.concatenate([old[:at], columns[name].astype(old.dtype), old[at:]]))
        self.n_released += new.count


def mean_particle_mass_per_class(schedule: ReleaseSchedule, n_classes: int) -> np.ndarray:
    """Mean released particle mass of each class (kg); classes with no particles get the overall mean."""
    counts = np.bincount(schedule.class_index, minlength=n_classes).astype(float)
    mass = np.bincount(schedule.class_index, weights=schedule.mass_kg, minlength=n_classes)
    overall = float(schedule.mass_kg.sum() / max(schedule.count, 1))
    return np.where(counts > 0, mass / np.maximum(counts, 1.0), overall)
