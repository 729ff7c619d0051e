"""What the solver keeps while it runs: SSC snapshots, deposits, exceedance time and bed stress.

Particles are the numerical method; these gridded fields are the product, so
they are accumulated during the run and no trajectory file is needed.

Uncertainty: every particle belongs to one of G groups (a hash of its id modulo G:
plume.kernels.accumulate.particle_group). Beside each field the
accumulators keep its G delete-a-group estimates (the field from the particles of every group but one,
scaled by G / (G - 1)); the spread of a metric over them is its jackknife standard error
(plume.analysis.uncertainty, docs/outputs.md).
"""
from __future__ import annotations

from dataclasses import dataclass, field

import numba
import numpy as np

from .analysis.fields import area_at_or_above
from .grids import OutputGrid
from .kernels.accumulate import (HISTOGRAM, KDE, accumulate_exposure_sparse, book_group_deposits, column_maxima,
                                 deposit_and_without_group, exposure_scratch, smooth_deposit)


# The adaptive kernel estimator of near-bed SSC (output.ssc_estimator: kde; docs/outputs.md): a
# biweight kernel, cut at the grid's edge with its weights renormalised to 1, holds about this many
# particles at the density of the particle's own cell ...
KDE_TARGET_COUNT = 10.0
# ... with a standard deviation between these many grid cells. The narrowest keeps a dense cloud's
# peak within about a quarter cell. The widest sets how many particles a kernel averages in thin water,
# and so the noise that the running maximum and the threshold areas pick up: with 1 cell the default
# scenario's 1 mg/L area fell by 27 % from 50,000 to 200,000 particles (about 5 particles under a kernel
# at that threshold); with 2.5 cells by 2.9 %, with every other area within 3.1 % (README "Convergence",
# configs/default.yaml with the processes reading the cell histogram; Pedretti and Fernandez-Garcia 2013
# motivate letting the bandwidth grow where particles are sparse). The wider kernel touches more cells per
# sparse particle: 32,812 instead of 21,554 in a 5-day state of configs/long/year.yaml.
KDE_MIN_CELLS = 0.25
KDE_MAX_CELLS = 2.5


# the per-group fields the exposure kernel updates in every cell a particle touches, for every group
GROUPED_FIELDS = ("ssc_integral_without_group_kg_s_m3", "ssc_max_without_group_kg_m3", "exceedance_without_group_s",
                  "_by_group")


def groups_innermost(shape: tuple, dtype) -> np.ndarray:
    """Zeros of logical shape `shape` = (group, ...): a view of storage whose group axis (with the axis
    after it when the field has thresholds) varies fastest, so one cell's values for every group sit in
    one or two cache lines. The exposure kernel visits all groups of each touched cell; with the group
    axis outermost each was a separate cache miss across tens of MB, and the kernel took 70 % of a
    long run's step (configs/long/year.yaml)."""
    inner = 2 if len(shape) == 5 else 1  # (group, threshold, layer, y, x): group and threshold inside
    storage_order = tuple(range(inner, len(shape))) + tuple(range(inner))
    storage = np.zeros(tuple(shape[a] for a in storage_order), dtype=dtype)
    return storage.transpose(np.argsort(storage_order))


def shallowest_bed_m(seabed) -> float:
    """The least depth (m) of the seabed's grid: the exposure kernel's bound for particles above the near-bed
    layers everywhere (13 us for the default's 321 x 321 nodes, against a step's milliseconds)."""
    return float(np.min(seabed.depth_m))


def longest_by_group(exceedance_s: np.ndarray) -> np.ndarray:
    """(group, threshold): the largest value over the cells of a groups-innermost field (group, threshold,
    layer, y, x), read in its storage order (column_maxima)."""
    n_g, n_thr = exceedance_s.shape[:2]
    storage = exceedance_s.transpose(2, 3, 4, 0, 1)
    if not storage.flags.c_contiguous:  # not laid out by groups_innermost
        return exceedance_s.reshape(n_g, n_thr, -1).max(axis=2)
    out = np.empty(n_g * n_thr, dtype=exceedance_s.dtype)
    column_maxima(storage.reshape(-1, n_g * n_thr), out)
    return out.reshape(n_g, n_thr)


@dataclass
class Accumulators:
    """The running fields of a run, and the records it makes of them.

    The gridded record of each output time (and of each averaging interval) goes straight into
    `records` (plume.records.RecordFile), so memory does not grow with the run's length; what stays
    in memory is the running state (maxima, exceedance times, the SSC time integral, the delete-a-group
    fields) and small series (areas, longest exceedance) of a few numbers per output time."""

    grid: OutputGrid
    n_outputs: int
    output_interval_s: float
    ssc_thresholds_kg_m3: np.ndarray
    deposit_thresholds_m: np.ndarray
    deposit_dry_density_kg_m3: float
    n_classes_kept: int = 0  # > 0: keep the deposit per class too
    n_sources_kept: int = 0  # > 1: keep the deposit per source too
    n_groups: int = 8  # independent particle groups (particles.groups)
    ssc_estimator: str = "kde"  # output.ssc_estimator: "kde" or "histogram"
    deposit_estimator: str = "kde"  # output.deposit_estimator: "kde" or "histogram"
    mean_interval_s: float = 0.0  # output.mean_every_h in s (0: no time-aggregated records)
    n_means: int = 0  # number of averaging intervals
    n_levels: int = 0  # midwater depth cells (0: none)
    ssc_max_kg_m3: np.ndarray = field(init=False)  # (layer, y, x)
    exceedance_s: np.ndarray = field(init=False)  # (threshold, layer, y, x)
    ssc_integral_kg_s_m3: np.ndarray = field(init=False)  # (layer, y, x) time integral of SSC, every step
    deposit_area_m2: np.ndarray = field(init=False)  # (time, threshold)
    # (group, source, class, y, x) gross deposit of each group's particles; the source and class axes are
    # kept only when the deposit is kept per source / per class (else of length 1)
    deposit_group_kg: np.ndarray = field(init=False)
    deposit_without_group_kg_m2: np.ndarray = field(init=False)  # (group, y, x) at the latest output
    ssc_max_without_group_kg_m3: np.ndarray = field(init=False)  # (group, layer, y, x)
    exceedance_without_group_s: np.ndarray = field(init=False)  # (group, threshold, layer, y, x)

    def __post_init__(self):
        g = self.grid
        nt = self.n_outputs
        n_thr = len(self.ssc_thresholds_kg_m3)
        self.records = None  # plume.records.RecordFile, attached by the simulation before it runs
        self.ssc_max_kg_m3 = np.zeros((g.n_layers, g.ny, g.nx), dtype=np.float32)
        self.exceedance_s = np.zeros((n_thr, g.n_layers, g.ny, g.nx), dtype=np.float32)
        self.ssc_integral_kg_s_m3 = np.zeros((g.n_layers, g.ny, g.nx))
        self.deposit_area_m2 = np.zeros((nt, len(self.deposit_thresholds_m)))
        # the longest time above each threshold of any near-bed cell, at each output time (so that metrics at
        # an earlier time use the same step-resolved rule as the final field)
        self.longest_exceedance_s = np.zeros((nt, n_thr))
        n_g = int(self.n_groups)
        n_s = self.n_sources_kept if self.n_sources_kept > 1 else 1
        n_c = self.n_classes_kept if self.n_classes_kept > 1 else 1
        self.deposit_group_kg = np.zeros((n_g, n_s, n_c, g.ny, g.nx))
        self.deposit_count = np.zeros((g.ny, g.nx))  # particles deposited in each cell (gross; the pilot)
        self.deposit_without_group_kg_m2 = np.zeros((n_g, g.ny, g.nx), dtype=np.float32)
        # (group, class, y, x) and (group, source, y, x) when kept
        self.deposit_by_class_without_group_kg_m2 = np.zeros((n_g, n_c, g.ny, g.nx), np.float32) if n_c > 1 else None
        self.deposit_by_source_without_group_kg_m2 = np.zeros((n_g, n_s, g.ny, g.nx), np.float32) if n_s > 1 else None
        # the step-resolved SSC integral estimated without each group (float32: it only feeds the errors)
        self.ssc_integral_without_group_kg_s_m3 = groups_innermost((n_g, g.n_layers, g.ny, g.nx), np.float32)
        self.ssc_max_without_group_kg_m3 = groups_innermost((n_g, g.n_layers, g.ny, g.nx), np.float32)
        self.exceedance_without_group_s = groups_innermost((n_g, n_thr, g.n_layers, g.ny, g.nx), np.float32)
        self.longest_exceedance_without_group_s = np.zeros((nt, n_g, n_thr))
        # the state at the start of the current averaging interval
        self._integral_at_mean_start = np.zeros_like(self.ssc_integral_kg_s_m3)
        self._deposit_at_mean_start_kg_m2 = np.zeros((g.ny, g.nx))
        # the per-step binning's scratch (zero between steps: the kernel resets the cells it touched)
        self._total = np.zeros((g.n_layers, g.ny, g.nx))
        self._by_group = groups_innermost((n_g, g.n_layers, g.ny, g.nx), np.float64)
        self._inv_volume_m3 = 1.0 / self.grid.layer_cell_volume_m3.ravel()
        self._estimator = KDE if self.ssc_estimator == "kde" else HISTOGRAM
        self._kde_params = np.array([KDE_TARGET_COUNT, KDE_MIN_CELLS, KDE_MAX_CELLS])
        self._pilot = np.zeros((g.n_layers, g.ny, g.nx))  # each near-bed cell's mass (zero between steps)
        self._pilot_touched = np.zeros(self._pilot.size, dtype=np.int64)
        self._no_snapshot = np.zeros((0, 1, 1))
        self._no_cells = np.zeros(0, dtype=np.int64)
        self._scratch = None  # the exposure kernel's working arrays, made on the first step (exposure_scratch)
        self._record_scratch = None  # the records' deposit arrays (record), made on the first record

    def __getstate__(self):  # a checkpoint names the record file; the simulation attaches it again
        state = dict(self.__dict__)
        state["records"] = None
        state["_scratch"] = None  # working arrays: made again on the next step
        state["_record_scratch"] = None
        return state

    def __setstate__(self, state):
        self.__dict__.update(state)
        self.__dict__.setdefault("_scratch", None)
        self.__dict__.setdefault("_record_scratch", None)
        if "deposit_count" not in state:  # a checkpoint from before the deposit estimator: the histogram
            self.deposit_estimator = "histogram"
            self.deposit_count = np.zeros(self.deposit_group_kg.shape[-2:])
        if self._pilot.shape != self._total.shape:  # a checkpoint from when only the kernel estimator had one
            self._pilot = np.zeros(self._total.shape)
            self._pilot_touched = np.zeros(self._pilot.size, dtype=np.int64)
        for name in GROUPED_FIELDS:  # pickling copies a view into the logical order: lay it out again
            array = getattr(self, name)
            laid_out = groups_innermost(array.shape, array.dtype)
            laid_out[...] = array
            setattr(self, name, laid_out)

    def record_layout(self) -> tuple[dict, dict]:
        """(fixed dimension sizes, variable -> dimensions) of the records (plume.records.RecordFile)."""
        g = self.grid
        sizes = {"layer": g.n_layers, "y": g.ny, "x": g.nx}
        snapshot = {"ssc": ("time", "layer", "y", "x"), "ssc_peak": ("time", "y", "x"),
                    "deposit_mass": ("time", "y", "x"), "bed_shear_stress": ("time", "y", "x")}
        if self.n_levels:
            sizes["depth_level"] = self.n_levels
            snapshot["ssc_midwater"] = ("time", "depth_level", "y", "x")
        if self.n_classes_kept:
            sizes["sediment_class"] = self.n_classes_kept
            snapshot["deposit_mass_by_class"] = ("time", "sediment_class", "y", "x")
        if self.n_sources_kept > 1:
            sizes["source"] = self.n_sources_kept
            snapshot["deposit_mass_by_source"] = ("time", "source", "y", "x")
        if self.n_means:
            sizes["ssc_threshold"] = len(self.ssc_thresholds_kg_m3)
            snapshot.update({"ssc_mean": ("mean_time", "layer", "y", "x"),
                             "deposition_rate": ("mean_time", "y", "x"),
                             "deposit_mass_cumulative": ("mean_time", "y", "x"),
                             "ssc_exceedance_time_cumulative": ("mean_time", "ssc_threshold", "layer", "y", "x")})
        return sizes, snapshot

    def empty_bins(self):
        """Scratch arrays (kg) for one snapshot of suspended mass: near-bed layers and midwater levels."""
        g = self.grid
        return np.zeros((g.n_layers, g.ny, g.nx)), np.zeros((self.n_levels, g.ny, g.nx))

    def concentrations(self, layer_kg, level_kg):
        """Binned suspended mass (kg) as concentrations (kg m-3): near-bed layers, midwater levels."""
        g = self.grid
        if not level_kg.shape[0]:
            return layer_kg / g.layer_cell_volume_m3, level_kg
        return layer_kg / g.layer_cell_volume_m3, level_kg / g.level_cell_volume_m3

    def accumulate_step(self, particles, seabed, dt_s: float, snapshot=None, snapshot_cells=None,
                        histogram=None, histogram_cells=None) -> tuple[int, int]:
        """Exposure over one model step from the particles' positions at its start: the running maximum
        and the time at or above each threshold of the near-bed SSC, and of each delete-a-group estimate,
        and the SSC's time integral (the averaged records' numerator),
        resolved on the model step (a collector crosses a 50 m cell in about 100 s; hourly snapshots
        would miss it). Costs O(particles): only the cells the particles touch are visited. With
        `snapshot` (layer, y, x; zeros), the estimated near-bed SSC (kg m-3) is written into it too, and
        with `snapshot_cells` (int64, one per snapshot cell) the flat indices of the cells written, the
        first (returned number) of them. With `histogram` (layer, y, x; zeros) and `histogram_cells`, the
        cell histogram (kg m-3) of the same particles goes into it, from the same pass. Returns (the number
        of cells touched, the number of histogram cells written)."""
        p = particles
        g = self.grid
        return accumulate_exposure_sparse(
            p.x_m, p.y_m, p.z_m, p.status, p.mass_kg, p.particle_id, p.n_released, seabed,
            shallowest_bed_m(seabed), g.x_min_m, g.y_min_m,
            g.resolution_m, g.layer_bounds_m, self._inv_volume_m3, self.ssc_thresholds_kg_m3, float(dt_s),
            self._total, self._by_group, self.ssc_max_kg_m3, self.exceedance_s, self.ssc_integral_kg_s_m3,
            self.ssc_max_without_group_kg_m3, self.exceedance_without_group_s,
            self.ssc_integral_without_group_kg_s_m3, self._estimator, self._kde_params,
            self._pilot, self._pilot_touched, self._no_snapshot if snapshot is None else snapshot,
            self._no_cells if snapshot_cells is None else snapshot_cells,
            self._no_snapshot if histogram is None else histogram,
            self._no_cells if histogram_cells is None else histogram_cells, self._scratch_for(p.x_m.size),
            numba.get_num_threads())

    def _scratch_for(self, capacity: int):
        """The exposure kernel's working arrays for `capacity` particles, made once (and again only when the
        particle arrays have grown)."""
        if self._scratch is None or self._scratch.layer.size < capacity:
            g = self.grid
            self._scratch = exposure_scratch(capacity, g.ny, g.nx, g.n_layers, self._estimator,
                                            float(self._kde_params[2]))
        return self._scratch

    def release_scratch(self) -> None:
        """Free the working arrays of the steps and records (after the last step; made again if needed)."""
        self._scratch = None
        self._record_scratch = None

    def book_group_deposits(self, particles) -> None:
        """This step's deposits by particle group (call before the deposit books them as done)."""
        p = particles
        g = self.grid
        book_group_deposits(p.x_m, p.y_m, p.status, p.mass_kg, p.particle_id, p.source_index, p.class_index,
                            p.n_released, g.x_min_m, g.y_min_m, g.resolution_m, self.deposit_group_kg,
                            self.deposit_count)

    def estimate_deposit(self, fields, net_deposit_kg, out=None):
        """The deposit estimator (output.deposit_estimator) on deposit fields (..., y, x) binned where the
        particles landed: kde spreads each cell's value with the adaptive kernel of the near-bed SSC
        (kernels.accumulate.smooth_deposit), its bandwidth from the particles deposited in the cell, net of
        erosion (the gross count times the share of the cell's mass still on the bed); histogram returns
        them as they are. net_deposit_kg (y, x): the deposit on the bed now. Linear in the fields, so the
        deposit and its delete-a-group estimates are smoothed alike and the estimates still average to the
        deposit. `out` (float64, the fields' size): where to write the estimate (else a new array)."""
        if self.deposit_estimator != "kde":
            return fields
        g = self.grid
        gross_kg = self.deposit_group_kg.sum(axis=(0, 1, 2))
        count = np.where(gross_kg > 0, self.deposit_count * net_deposit_kg / np.where(gross_kg > 0, gross_kg, 1.0), 0.0)
        flat = np.ascontiguousarray(fields, dtype=np.float64).reshape(-1, g.ny, g.nx)
        if out is None:
            out = np.zeros_like(flat)
        else:
            out = out.reshape(flat.shape)
            out.fill(0.0)
        smooth_deposit(flat, count, g.x_min_m, g.y_min_m, g.resolution_m, self._kde_params, out)
        return out.reshape(fields.shape)

    def kept_axes(self, pools_kg):
        """pools_kg (source, class, y, x) summed over the source and class axes that are not kept."""
        n_s, n_c = self.deposit_group_kg.shape[1:3]
        net = pools_kg.sum(axis=0, keepdims=True) if n_s == 1 else pools_kg
        return net.sum(axis=1, keepdims=True) if n_c == 1 else net

    def deposit_without_group(self, pools_kg) -> np.ndarray:
        """(group, source, class, y, x) kg m-2: the deposit (pools_kg: source, class, y, x; kg, net of
        erosion) estimated without each group, on the kept source and class axes (else summed).

        The group deposits are gross (booked as particles land); erosion takes from every group in
        proportion to its share of the pool, so the estimates without group g are each pool's net deposit
        times the share of the other groups, times G / (G - 1), and their mean is the deposit itself."""
        return self.deposit_and_without_group(pools_kg)[1:]

    def deposit_and_without_group(self, pools_kg, out=None) -> np.ndarray:
        """(1 + group, source, class, y, x) kg m-2: [0] the deposit (pools_kg: source, class, y, x; kg) on the
        kept source and class axes, [1:] deposit_without_group, in one pass (kernels.accumulate); into `out`
        when given."""
        group_kg = self.deposit_group_kg
        net = np.ascontiguousarray(self.kept_axes(pools_kg), dtype=np.float64)
        if out is None:
            out = np.empty((group_kg.shape[0] + 1,) + net.shape)
        deposit_and_without_group(net, group_kg, group_kg.sum(axis=0), float(self.grid.cell_area_m2), out)
        return out

    def record(self, k: int, layer_kg, level_kg, pools_kg, bed_shear_stress_pa, ssc_near_bed=None):
        """Write output time k's record from this snapshot's binned mass, the deposit's pools (source,
        class, y, x; kg) and the bed shear stress (y, x; Pa); `ssc_near_bed` (layer, y, x; kg m-3), when
        given, is the estimator's near-bed SSC (else the histogram of layer_kg). The mass budget is
        recorded by plume.budget.MassBudget."""
        g = self.grid
        out = self.records
        ssc, ssc_levels = self.concentrations(layer_kg, level_kg)
        out.write("ssc", k, ssc if ssc_near_bed is None else ssc_near_bed)
        out.write("ssc_peak", k, self.ssc_max_kg_m3.max(axis=0))  # the step-resolved peak so far (ssc_area)
        if self.n_levels:
            out.write("ssc_midwater", k, ssc_levels)
        # the deposit and its delete-a-group estimates through the deposit estimator, in one pass, in two
        # arrays kept from record to record (made afresh, their pages cost more than the work: 20 ms a record)
        if self._record_scratch is None:
            shape = (self.deposit_group_kg.shape[0] + 1,) + self.deposit_group_kg.shape[1:]
            self._record_scratch = np.empty(shape), np.empty(shape)
        binned, smoothed = self._record_scratch
        self.deposit_and_without_group(pools_kg, binned)  # (1 + group, source, class, y, x) kg m-2
        estimated = self.estimate_deposit(binned, pools_kg.sum(axis=(0, 1)), smoothed)
        pools_kg_m2, without = estimated[0], estimated[1:]
        deposit_kg_m2 = pools_kg_m2.sum(axis=(0, 1)).astype(np.float32)
        out.write("deposit_mass", k, deposit_kg_m2)
        self.deposit_area_m2[k] = area_at_or_above(deposit_kg_m2 / np.float32(self.deposit_dry_density_kg_m3),
                                                   self.deposit_thresholds_m, g.cell_area_m2)
        # summed in float64 straight into the float32 fields (no temporary)
        np.sum(without, axis=(1, 2), dtype=np.float64, out=self.deposit_without_group_kg_m2)
        if self.deposit_by_class_without_group_kg_m2 is not None:
            np.sum(without, axis=1, dtype=np.float64, out=self.deposit_by_class_without_group_kg_m2)
        if self.deposit_by_source_without_group_kg_m2 is not None:
            np.sum(without, axis=2, dtype=np.float64, out=self.deposit_by_source_without_group_kg_m2)
        if self.n_classes_kept:
            out.write("deposit_mass_by_class", k, pools_kg_m2.sum(axis=0))
        if self.n_sources_kept > 1:
            out.write("deposit_mass_by_source", k, pools_kg_m2.sum(axis=1))
        out.write("bed_shear_stress", k, bed_shear_stress_pa)
        if self.exceedance_s.size:
            self.longest_exceedance_s[k] = self.exceedance_s.reshape(self.exceedance_s.shape[0], -1).max(axis=1)
            e = self.exceedance_without_group_s
            self.longest_exceedance_without_group_s[k] = longest_by_group(e)

    def record_mean(self, m: int, deposit_kg) -> None:
        """Write averaging interval m's record at its end: the mean near-bed SSC over the interval (from
        the SSC integrated on every model step), the net deposition rate (the change of the deposit,
        deposit_kg: y, x, over the interval), the deposit at its end and the time at or above each SSC
        threshold since the start."""
        out = self.records
        interval = self.mean_interval_s
        out.write("ssc_mean", m, (self.ssc_integral_kg_s_m3 - self._integral_at_mean_start) / interval)
        deposit_kg_m2 = self.estimate_deposit(deposit_kg / self.grid.cell_area_m2, deposit_kg)
        out.write("deposition_rate", m, (deposit_kg_m2 - self._deposit_at_mean_start_kg_m2) / interval)
        out.write("deposit_mass_cumulative", m, deposit_kg_m2)
        out.write("ssc_exceedance_time_cumulative", m, self.exceedance_s)
        self._integral_at_mean_start[...] = self.ssc_integral_kg_s_m3
        self._deposit_at_mean_start_kg_m2[...] = deposit_kg_m2
