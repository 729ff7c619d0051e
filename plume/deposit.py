"""The deposit on the seabed: what settled, per cell, source and sediment class, and what the flow takes back.

Each output-grid cell holds, per (source, class) pool, fresh fluff (where new deposits land), the
consolidated deposit below it (fluff consolidates with an e-folding time), and eroded
mass waiting to become particles. Where the bed shear stress exceeds a pool's critical
stress the flow erodes it (plume.kernels.erosion); eroded mass re-enters the water as
new particles of one class's release-particle mass each, placed at random in the cell
and up to the resuspension block's `height_m` above the bed. Mass only ever moves between the
pools and the particles, so the budget still closes to round-off. A resuspended particle keeps
the source and class of the pool it came from, so the budget closes for every source too.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from .kernels.accumulate import book_boundary_events
from .kernels.interpolate import seabed_depth_many
from .processes.resuspension import Params as Resuspension
from .processes.resuspension import consolidate, erode, particles_ready


@dataclass
class NewParticles:
    x_m: np.ndarray
    y_m: np.ndarray
    z_m: np.ndarray
    mass_kg: np.ndarray
    class_index: np.ndarray
    source_index: np.ndarray

    @property
    def count(self) -> int:
        return self.x_m.size


@dataclass
class SeabedDeposit:
    grid: object  # plume.grids.OutputGrid
    n_classes: int
    resuspension: Resuspension | None = None
    n_sources: int = 1
    # pools (source x class, y, x): pool = source * n_classes + class, so erosion treats every pool of a
    # cell alike (in proportion) and eroded mass keeps its source and class
    fluff_kg: np.ndarray = field(init=False)
    consolidated_kg: np.ndarray = field(init=False)
    pending_kg: np.ndarray = field(init=False)  # eroded, not yet a particle: still counted as deposit
    eroded_kg: float = 0.0  # cumulative, into pending

    def __post_init__(self):
        shape = (self.n_sources * self.n_classes, self.grid.ny, self.grid.nx)
        self.fluff_kg = np.zeros(shape)
        self.consolidated_kg = np.zeros(shape)
        self.pending_kg = np.zeros(shape)
        # this step's deposited and exited kg per source (book_boundary_events adds into them)
        self.step_deposited_by_source_kg = np.zeros(self.n_sources)
        self.step_exited_by_source_kg = np.zeros(self.n_sources)

    def by_pool_kg(self) -> np.ndarray:
        """(source, class, y, x) deposited mass, kg: fluff, consolidated and pending."""
        total = self.fluff_kg + self.consolidated_kg + self.pending_kg
        return total.reshape(self.n_sources, self.n_classes, self.grid.ny, self.grid.nx)

    def by_class_kg(self) -> np.ndarray:
        """(class, y, x) deposited mass, kg, of all sources."""
        return self.by_pool_kg().sum(axis=0)

    def by_source_kg(self) -> np.ndarray:
        """(source, y, x) deposited mass, kg, of all classes."""
        return self.by_pool_kg().sum(axis=1)

    def total_kg(self) -> np.ndarray:
        """(y, x) deposited mass, kg."""
        return self.by_class_kg().sum(axis=0)

    def book(self, particles) -> tuple[float, float, int]:
        """Move this step's deposited particles (status JUST_DEPOSITED) into the fluff pools of their
        cells and mark exits (JUST_EXITED) as done; returns (deposited kg, exited kg, finished count).
        The split by source is left in step_deposited_by_source_kg and step_exited_by_source_kg."""
        g = self.grid
        p = particles
        self.step_deposited_by_source_kg.fill(0.0)
        self.step_exited_by_source_kg.fill(0.0)
        return book_boundary_events(p.x_m, p.y_m, p.status, p.mass_kg, p.class_index, p.source_index,
                                    p.n_released, g.x_min_m, g.y_min_m, g.resolution_m, self.fluff_kg,
                                    self.step_deposited_by_source_kg, self.step_exited_by_source_kg)

    def erode_step(self, tau_pa: np.ndarray, dt_s: float) -> None:
        """Consolidate and erode for one step under the bed shear stress field tau (y, x)."""
        r = self.resuspension
        if r.consolidation_time_s is not None:
            consolidate(self.fluff_kg, self.consolidated_kg, -np.expm1(-dt_s / r.consolidation_time_s))
        self.eroded_kg += erode(tau_pa, self.fluff_kg, self.consolidated_kg, self.pending_kg,
                                r.fluff_critical_pa, r.consolidated_critical_pa, r.rate_kg_m2_s,
                                self.grid.cell_area_m2, dt_s)

    def take_particles(self, seabed, rng: np.random.Generator) -> NewParticles | None:
        """Whole particles' worth of pending mass, as new particles in the water (or None)."""
        r = self.resuspension
        quantum_kg = np.tile(r.particle_mass_kg, self.n_sources)  # per pool: its class's particle mass
        pool, j, i, n = particles_ready(self.pending_kg, quantum_kg)
        if pool.size == 0:
            return None
        self.pending_kg[pool, j, i] -= n * quantum_kg[pool]
        pool, j, i = np.repeat(pool, n), np.repeat(j, n), np.repeat(i, n)
        g = self.grid
        x = g.x_min_m + (i + rng.random(i.size)) * g.resolution_m
        y = g.y_min_m + (j + rng.random(j.size)) * g.resolution_m
        height = rng.random(i.size) * r.resuspension_height_m
        z = height - seabed_depth_many(seabed, x, y)
        return NewParticles(x, y, z, quantum_kg[pool], (pool % self.n_classes).astype(np.int16),
                            (pool // self.n_classes).astype(np.int16))
