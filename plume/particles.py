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
    survives compaction; particles [0, n_released) are in the water or finished since the last compaction,
    particles [first_waiting, end) wait for their release time. Between the two lies free room for
    particles resuspended from the bed (none until the first is inserted): inserting then copies only
    the new particles, not every array, and releasing moves the due particles down into that room."""

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
    first_waiting: int = 0  # index of the first particle not yet released (the arrays' length: none waits)

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
            np.arange(schedule.count, dtype=np.int32), source_index=schedule.source_index, first_waiting=0,
        )

    @property
    def bytes_per_particle(self) -> int:
        return sum(getattr(self, name).itemsize for name in self.ARRAYS)

    @property
    def n_waiting(self) -> int:
        return self.x_m.size - self.first_waiting

    def release_until(self, end: int) -> slice:
        """Release the waiting particles up to index `end` (exclusive; from searchsorted over
        release_time_s): they join the water after the released ones. Returns their slice."""
        n, k = self.n_released, end - self.first_waiting
        if k <= 0:
            return slice(n, n)
        if self.first_waiting > n:  # free room between: move them down into it
            for name in self.ARRAYS:
                a = getattr(self, name)
                a[n:n + k] = a[self.first_waiting:end]
        self.status[n:n + k] = st.ACTIVE
        self.n_released += k
        self.first_waiting += k
        return slice(n, n + k)

    def compact(self) -> int:
        """Drop deposited and exited particles from the arrays (and the free room), keeping order;
        returns how many left."""
        n = self.n_released
        keep = (self.status[:n] != st.DEPOSITED) & (self.status[:n] != st.EXITED)
        removed = int(n - np.count_nonzero(keep))
        room = self.first_waiting - n
        if removed or room:
            for name in self.ARRAYS:  # one array at a time: the peak stays near one extra column
                a = getattr(self, name)
                setattr(self, name, np.concatenate([a[:n][keep], a[self.first_waiting:]]))
            self.n_released -= removed
            self.first_waiting = self.n_released
        return removed

    def count(self, code) -> int:
        return int(np.count_nonzero(self.status[:self.n_released] == code)) if code != st.WAITING \
            else self.n_waiting

    def insert_active(self, new: NewParticles, time_s: float, first_id: int) -> None:
        """Put new particles (resuspended from the bed) into the water now, after the released ones.

        They go into the free room before the waiting particles; when it is full, the arrays are
        reallocated once with room for at least an eighth of their length more, so a long run with
        resuspension copies its arrays O(log N) times, not every step."""
        k = new.count
        at = self.n_released
        if self.first_waiting - at < k:
            self._make_room(max(k, self.x_m.size // 8, 1024))
        columns = {
            "x_m": new.x_m, "y_m": new.y_m, "z_m": new.z_m, "mass_kg": new.mass_kg,
            "class_index": new.class_index, "status": np.full(k, st.ACTIVE, np.int8),
            "release_time_s": np.full(k, time_s), "particle_id": first_id + np.arange(k),
            "source_index": new.source_index,
        }
        for name in self.ARRAYS:
            a = getattr(self, name)
            a[at:at + k] = columns[name].astype(a.dtype)
        self.n_released += k

    def _make_room(self, room: int) -> None:
        n, w = self.n_released, self.first_waiting
        for name in self.ARRAYS:
            a = getattr(self, name)
            grown = np.empty(n + room + (a.size - w), dtype=a.dtype)
            grown[:n] = a[:n]
            grown[n + room:] = a[w:]
            setattr(self, name, grown)
        self.first_waiting = n + room


def mean_particle_mass_per_class(schedule: ReleaseSchedule, n_classes: int) -> np.ndarray:
    """Mean released particle mass of each class (kg); classes with no particles get the overall mean."""
    counts = np.bincount(schedule.class_index, minlength=n_classes).astype(float)
    mass = np.bincount(schedule.class_index, weights=schedule.mass_kg, minlength=n_classes)
    overall = float(schedule.mass_kg.sum() / max(schedule.count, 1))
    return np.where(counts > 0, mass / np.maximum(counts, 1.0), overall)
