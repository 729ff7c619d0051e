"""What the solver keeps while it runs: SSC snapshots, deposits, exceedance time and bed stress.

Particles are the numerical method; these gridded fields are the product, so
they are accumulated during the run and no trajectory file is needed.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from .analysis.fields import area_at_or_above
from .grids import OutputGrid
from .kernels.accumulate import accumulate_exposure


@dataclass
class Accumulators:
    grid: OutputGrid
    n_outputs: int
    output_interval_s: float
    ssc_thresholds_kg_m3: np.ndarray
    deposit_thresholds_m: np.ndarray
    deposit_dry_density_kg_m3: float
    ssc_kg_m3: np.ndarray = field(init=False)  # (time, layer, y, x)
    ssc_midwater_kg_m3: np.ndarray | None = field(init=False)  # (time, level, y, x)
    ssc_max_kg_m3: np.ndarray = field(init=False)  # (layer, y, x)
    exceedance_s: np.ndarray = field(init=False)  # (threshold, layer, y, x)
    deposit_mass_kg_m2: np.ndarray = field(init=False)  # (time, y, x)
    n_classes_kept: int = 0  # > 0: keep the deposit per class too
    deposit_by_class_kg_m2: np.ndarray | None = field(init=False)  # (time, class, y, x)
    n_sources_kept: int = 0  # > 1: keep the deposit per source too
    deposit_by_source_kg_m2: np.ndarray | None = field(init=False)  # (time, source, y, x)
    bed_shear_stress_pa: np.ndarray = field(init=False)  # (time, y, x)

    def __post_init__(self):
        g = self.grid
        nt = self.n_outputs
        self.ssc_kg_m3 = np.zeros((nt, g.n_layers, g.ny, g.nx), dtype=np.float32)
        levels = g.depth_level_bounds_m
        self.ssc_midwater_kg_m3 = (
            None if levels is None else np.zeros((nt, len(levels) - 1, g.ny, g.nx), dtype=np.float32)
        )
        self.ssc_max_kg_m3 = np.zeros((g.n_layers, g.ny, g.nx), dtype=np.float32)
        self.exceedance_s = np.zeros((len(self.ssc_thresholds_kg_m3), g.n_layers, g.ny, g.nx), dtype=np.float32)
        self.deposit_mass_kg_m2 = np.zeros((nt, g.ny, g.nx), dtype=np.float32)
        self.deposit_by_class_kg_m2 = None if not self.n_classes_kept else np.zeros(
            (nt, self.n_classes_kept, g.ny, g.nx), dtype=np.float32)
        self.deposit_by_source_kg_m2 = None if self.n_sources_kept < 2 else np.zeros(
            (nt, self.n_sources_kept, g.ny, g.nx), dtype=np.float32)
        self.bed_shear_stress_pa = np.zeros((nt, g.ny, g.nx), dtype=np.float32)
        # the longest time above each threshold of any near-bed cell, at each output time (so that metrics at
        # an earlier time use the same step-resolved rule as the final field)
        self.longest_exceedance_s = np.zeros((nt, len(self.ssc_thresholds_kg_m3)))

    def empty_bins(self):
        """Scratch arrays (kg) for one snapshot of suspended mass: near-bed layers and midwater levels."""
        g = self.grid
        n_levels = 0 if self.ssc_midwater_kg_m3 is None else self.ssc_midwater_kg_m3.shape[1]
        return np.zeros((g.n_layers, g.ny, g.nx)), np.zeros((n_levels, g.ny, g.nx))

    def concentrations(self, layer_kg, level_kg):
        """Binned suspended mass (kg) as concentrations (kg m-3): near-bed layers, midwater levels."""
        g = self.grid
        if not level_kg.shape[0]:
            return layer_kg / g.layer_cell_volume_m3, level_kg
        return layer_kg / g.layer_cell_volume_m3, level_kg / g.level_cell_volume_m3

    def accumulate_step(self, ssc_kg_m3, dt_s: float) -> None:
        """Exposure over one model step from the near-bed SSC (layer, y, x; kg m-3) at its start: the
        running maximum and the time at or above each threshold, resolved on the model step (a
        collector crosses a 50 m cell in about 100 s; hourly snapshots would miss it)."""
        accumulate_exposure(ssc_kg_m3, self.ssc_thresholds_kg_m3, np.float32(dt_s), self.ssc_max_kg_m3,
                            self.exceedance_s)

    def record(self, k: int, layer_kg, level_kg, deposit_kg, bed_shear_stress_pa, deposit_by_source_kg=None):
        """Store output time k from this snapshot's binned mass, the deposit (class, y, x; kg), the
        bed shear stress (y, x; Pa) and, when kept, the deposit by source (source, y, x; kg). The mass
        budget is recorded by plume.budget.MassBudget."""
        g = self.grid
        ssc, ssc_levels = self.concentrations(layer_kg, level_kg)
        self.ssc_kg_m3[k] = ssc
        np.maximum(self.ssc_max_kg_m3, ssc, out=self.ssc_max_kg_m3)
        if self.ssc_midwater_kg_m3 is not None:
            self.ssc_midwater_kg_m3[k] = ssc_levels
        self.deposit_mass_kg_m2[k] = deposit_kg.sum(axis=0) / g.cell_area_m2
        if self.deposit_by_class_kg_m2 is not None:
            self.deposit_by_class_kg_m2[k] = deposit_kg / g.cell_area_m2
        if self.deposit_by_source_kg_m2 is not None:
            self.deposit_by_source_kg_m2[k] = deposit_by_source_kg / g.cell_area_m2
        self.bed_shear_stress_pa[k] = bed_shear_stress_pa
        if self.exceedance_s.size:
            self.longest_exceedance_s[k] = self.exceedance_s.reshape(self.exceedance_s.shape[0], -1).max(axis=1)

    @property
    def deposit_thickness_m(self) -> np.ndarray:
        return self.deposit_mass_kg_m2 / np.float32(self.deposit_dry_density_kg_m3)

    @property
    def deposit_area_m2(self) -> np.ndarray:
        """(time, threshold): seabed area with deposit at or above each thickness threshold."""
        return area_at_or_above(self.deposit_thickness_m, self.deposit_thresholds_m, self.grid.cell_area_m2)
