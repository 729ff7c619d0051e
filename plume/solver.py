"""The time loop: release, step, book deposits and exits, accumulate, write.

    for each step n (t = n dt):
        release the particles due by t
        at an output time: bin the suspended particles, record the budget
        bin the local concentration (only for flocculation or hindered settling)
        step every active particle (numba, parallel)
        book this step's deposits and exits (serial, in particle order)
        erode the deposit and put resuspended particles into the water (when on)
"""
from __future__ import annotations

import time as wallclock
from dataclasses import dataclass
from pathlib import Path

import numba
import numpy as np
from tqdm.auto import tqdm

from .accumulators import Accumulators
from .deposit import Resuspension, SeabedDeposit
from .environment import Environment, build_environment
from .environment.turbulence import bed_stress_from_spec
from .grids import LocalProjection, OutputGrid
from .kernels import status as st
from .kernels.accumulate import bin_suspended, book_boundary_events
from .kernels.bedstress import BedStressField, bed_shear_stress_field
from .kernels.random import seed_key
from .kernels.sediment import LocalConcentration, SedimentBehaviour
from .kernels.step import step_particles
from .particles import ParticleState, mean_particle_mass_per_class
from .sediment import settling_speeds
from .sources import release_schedule

__all__ = ["Simulation", "RunResult", "run"]

BUDGET_RELATIVE_TOLERANCE = 1e-12


def sediment_behaviour(sediment, settling_m_s) -> SedimentBehaviour:
    """The kernels' view of the sediment block: settling, deposition, flocculation, hindered settling."""
    names = [c.name for c in sediment.classes]
    n = len(names)
    target = np.full(n, -1, dtype=np.int64)
    rate, reference, exponent = np.zeros(n), np.ones(n), np.zeros(n)
    for rule in sediment.flocculation:
        c = names.index(rule.from_class)
        target[c] = names.index(rule.to_class)
        rate[c] = rule.rate_per_h / 3600.0
        reference[c] = rule.reference_concentration_mg_l / 1000.0  # mg/L = g/m3
        exponent[c] = rule.concentration_exponent
    hindered = sediment.hindered_settling
    hindered_reference = float(sediment.grain_density_kg_m3)
    if hindered is not None and hindered.reference_concentration_kg_m3 is not None:
        hindered_reference = float(hindered.reference_concentration_kg_m3)
    return SedimentBehaviour(
        np.asarray(settling_m_s, dtype=float), float(sediment.deposition_probability),
        float(sediment.critical_deposition_stress_pa or 0.0), target, rate, reference, exponent,
        0.0 if hindered is None else float(hindered.exponent), hindered_reference,
    )


def output_grid_from_spec(spec) -> OutputGrid:
    x_min, x_max, y_min, y_max = (float(v) for v in spec.extent_m)
    levels = None if spec.depth_levels_m is None else np.asarray(spec.depth_levels_m, dtype=float)
    return OutputGrid(
        x_min, x_max, y_min, y_max, float(spec.resolution_m),
        np.asarray(spec.layers_above_bed_m, dtype=float), levels,
    )


class Simulation:
    """A scenario made ready to run: environment, particles and accumulators, all validated.

    Everything that can fail on bad input fails here, before anything is written.
    """

    def __init__(self, scenario):
        self.scenario = scenario
        self.projection = LocalProjection(float(scenario.site.lon), float(scenario.site.lat))
        self.grid = output_grid_from_spec(scenario.grid)
        self.environment: Environment = build_environment(scenario, self.projection, self.grid)
        schedule = release_schedule(scenario, self.environment.seabed)
        sediment = scenario.sediment
        n_classes = len(sediment.classes)
        self.deposit = SeabedDeposit(self.grid, n_classes, Resuspension.from_spec(
            sediment, mean_particle_mass_per_class(schedule, n_classes)))
        self.next_particle_id = schedule.count
        self.particles = ParticleState.from_schedule(schedule)
        del schedule
        self.settling_m_s = settling_speeds(sediment)
        self.sediment = sediment_behaviour(sediment, self.settling_m_s)
        self.bed_stress = bed_stress_from_spec(scenario.currents, float(sediment.water_density_kg_m3))
        self.tau_pa = np.zeros((self.grid.ny, self.grid.nx))
        # the bed stress field is evaluated each step only where something reads it
        self.stress_needed = (self.environment.turbulence.layer_thickness_m > 0.0 or sediment.resuspension
                              or sediment.critical_deposition_stress_pa is not None)
        # flocculation and hindered settling read the local concentration, binned before each step
        self.concentration_needed = bool(sediment.flocculation) or sediment.hindered_settling is not None
        g = self.grid
        self.level_bounds_m = g.depth_level_bounds_m if g.depth_level_bounds_m is not None else np.zeros(1)
        empty = np.zeros((1, 1, 1))
        self.no_concentration = LocalConcentration(False, g.x_min_m, g.y_min_m, g.resolution_m, g.layer_bounds_m,
                                                   self.level_bounds_m, empty, empty)
        t = scenario.time
        self.dt_s = float(t.step_s)
        self.n_steps = int(t.n_steps)
        self.steps_per_output = int(t.steps_per_output)
        thresholds = scenario.thresholds
        self.accumulators = Accumulators(
            self.grid, int(t.n_outputs), float(t.output_every_s),
            np.asarray(thresholds.ssc_kg_m3, dtype=float), np.asarray(thresholds.deposit_m, dtype=float),
            float(scenario.sediment.deposit_dry_density_kg_m3),
            n_classes_kept=len(scenario.sediment.classes) if scenario.output.per_class else 0,
        )
        self.key = seed_key(int(scenario.particles.seed))
        self.domain = (self.grid.x_min_m, self.grid.x_max_m, self.grid.y_min_m, self.grid.y_max_m)
        self.resuspension_rng = np.random.default_rng([int(scenario.particles.seed), 0x5E5])
        self.particles_released = 0
        self.finished_in_arrays = 0  # deposited or exited, not yet compacted away
        # compact once at least this many particles have finished and they are half the released ones
        self.compact_after_finished = 100_000
        self.released_kg = 0.0
        self.deposited_kg = 0.0
        self.exited_kg = 0.0
        self.resuspended_kg = 0.0
        self.particle_steps = 0
        # optional sample of particle paths (output.trajectories), recorded at output times
        self.trajectories = None
        if scenario.output.trajectories:
            from .trajectories import TrajectoryRecorder

            self.trajectories = TrajectoryRecorder.from_scenario(scenario)

    # -- the pieces of one step, each usable on its own (tests drive them directly) --

    def compile(self) -> None:
        """Compile (or load from numba's cache) the step kernels, on no particles."""
        p = self.particles
        released, steps = p.n_released, self.particle_steps
        p.n_released = 0
        try:
            self.step(0)
        finally:
            p.n_released, self.particle_steps = released, steps

    def release_due(self, t_s: float) -> None:
        p = self.particles
        end = int(np.searchsorted(p.release_time_s, t_s + 1e-9 * self.dt_s, side="right"))
        if end > p.n_released:
            p.status[p.n_released:end] = st.ACTIVE
            self.released_kg += float(np.sum(p.mass_kg[p.n_released:end]))
            self.particles_released += end - p.n_released
            p.n_released = end

    def bin_suspended(self):
        """The suspended particles' mass (kg) in near-bed layers and midwater levels, and their total."""
        p = self.particles
        g = self.grid
        layer_kg, level_kg = self.accumulators.empty_bins()
        suspended = bin_suspended(
            p.x_m, p.y_m, p.z_m, p.status, p.mass_kg, p.n_released, self.environment.seabed,
            g.x_min_m, g.y_min_m, g.resolution_m, g.layer_bounds_m, self.level_bounds_m, layer_kg, level_kg,
        )
        return layer_kg, level_kg, suspended

    def local_concentration(self) -> LocalConcentration:
        """SSC (kg/m3) on the output grid's cells now, for flocculation and hindered settling."""
        if not self.concentration_needed:
            return self.no_concentration
        layer_kg, level_kg, _ = self.bin_suspended()
        layer_kg_m3, level_kg_m3 = self.accumulators.concentrations(layer_kg, level_kg)
        return self.no_concentration._replace(active=True, layer_kg_m3=layer_kg_m3, level_kg_m3=level_kg_m3)

    def bed_shear_stress(self, t_s: float, fields=None) -> np.ndarray:
        """tau (Pa) at the output-grid cell centres at time t (the array is reused); `fields` are
        the step's (currents, clock) when the caller has them already."""
        env = self.environment
        currents, clock = fields if fields is not None else env.step_fields(t_s, self.dt_s)
        g = self.grid
        bed_shear_stress_field(currents, env.seabed, clock, 0, self.bed_stress, g.x_centres_m, g.y_centres_m,
                               self.tau_pa)
        return self.tau_pa

    def step(self, step_index: int) -> None:
        p = self.particles
        t_s = step_index * self.dt_s
        env = self.environment
        concentration = self.local_concentration()
        currents, clock = env.step_fields(t_s, self.dt_s)
        if self.stress_needed:
            self.bed_shear_stress(t_s, (currents, clock))
        g = self.grid
        stress = BedStressField(self.stress_needed, g.x_min_m, g.y_min_m, g.resolution_m, self.tau_pa,
                                self.bed_stress.water_density_kg_m3)
        step_particles(
            p.x_m, p.y_m, p.z_m, p.status, p.class_index, p.particle_id, p.n_released,
            env.seabed, currents, env.turbulence, stress, clock, self.sediment, concentration,
            self.domain, self.dt_s, self.key, step_index,
        )
        self.particle_steps += p.n_released - self.finished_in_arrays
        deposited, exited, finished = book_boundary_events(
            p.x_m, p.y_m, p.status, p.mass_kg, p.class_index, p.n_released, g.x_min_m, g.y_min_m,
            g.resolution_m, self.deposit.fluff_kg,
        )
        self.deposited_kg += deposited
        self.exited_kg += exited
        self.finished_in_arrays += finished
        if self.deposit.resuspension is not None:
            self.resuspend(t_s)
        if self.finished_in_arrays >= max(self.compact_after_finished, p.n_released // 2):
            p.compact()  # deposited particles leave the active set and free their memory
            self.finished_in_arrays = 0

    def resuspend(self, t_s: float) -> None:
        """Erode the deposit over the step that starts at t (the flow at t, computed for the step) and
        put whole particles' worth back in the water, stamped with release time t (keeps release times
        sorted)."""
        self.deposit.erode_step(self.tau_pa, self.dt_s)
        new = self.deposit.take_particles(self.environment.seabed, self.resuspension_rng)
        if new is None:
            return
        mass = float(np.sum(new.mass_kg))
        self.particles.insert_active(new, t_s, self.next_particle_id)
        self.next_particle_id += new.count
        self.deposited_kg -= mass
        self.resuspended_kg += mass

    def record(self, output_index: int) -> None:
        p = self.particles
        acc = self.accumulators
        layer_kg, level_kg, suspended = self.bin_suspended()
        tau = self.bed_shear_stress(output_index * self.steps_per_output * self.dt_s)
        acc.record(output_index, layer_kg, level_kg, self.deposit.by_class_kg(), tau, self.released_kg, suspended,
                   self.deposited_kg, self.exited_kg, self.resuspended_kg)
        if self.trajectories is not None:
            self.trajectories.record(output_index, p)
        residual = acc.budget_residual_kg[output_index]
        # round-off bound of summing n particle masses in different orders: n eps, and at least 1e-12
        tolerance = max(BUDGET_RELATIVE_TOLERANCE, p.n_released * np.finfo(float).eps)
        if abs(residual) > tolerance * max(self.released_kg, 1e-300) + 1e-300:
            raise RuntimeError(f"mass budget does not close at output {output_index}: residual {residual} kg")

    def run(self, progress: bool = False) -> None:
        bar = tqdm(total=self.n_steps, unit="step", disable=None if progress else True, desc=self.scenario.name,
                   dynamic_ncols=True)
        with bar:
            for n in range(self.n_steps + 1):
                self.release_due(n * self.dt_s)
                if n % self.steps_per_output == 0:
                    self.record(n // self.steps_per_output)
                if n == self.n_steps:
                    break
                self.step(n)
                bar.update(1)
                if n % 20 == 0:
                    bar.set_postfix(active=self.particles.n_released - self.finished_in_arrays, refresh=False)


@dataclass
class RunResult:
    scenario: object
    simulation: Simulation
    dataset: object  # xarray.Dataset
    path: Path | None
    wall_time_s: float

    @property
    def particles(self) -> ParticleState:
        return self.simulation.particles


def run(scenario, *, progress: bool = False, write: bool = True, threads: int | None = None,
        also_write=None) -> RunResult:
    """Run a validated scenario; returns the dataset (and writes `<output.directory>/<name>.nc`).

    The result set (the .nc, metrics, trajectories, and whatever `also_write(dataset, staged_nc_path)`
    writes beside the staged .nc, such as the maps) is written as a unit: see plume.resultset."""
    from .output import build_dataset, maps_folder_name, result_files, write_dataset
    from .resultset import check_targets

    if threads is not None:
        numba.set_num_threads(int(threads))
    path = Path(scenario.output.directory) / f"{scenario.name}.nc"
    files, folders = result_files(path), [maps_folder_name(path)]
    if write:
        check_targets(path.parent, files, folders)  # fail before the run, not after it
    started = wallclock.perf_counter()
    simulation = Simulation(scenario)
    simulation.run(progress=progress)
    dataset = build_dataset(simulation)
    if write:
        from .output import write_metrics
        from .resultset import result_set

        with result_set(path.parent, files + folders) as staged:
            nc = staged.path(path.name)
            write_dataset(dataset, nc)
            write_metrics(dataset, nc, scenario.name)
            if simulation.trajectories is not None:
                from .trajectories import trajectory_path

                simulation.trajectories.write(trajectory_path(nc), simulation.projection,
                                              simulation.environment.depth_at, dataset.time.attrs["units"],
                                              _trajectory_attrs(dataset.attrs))
            if also_write is not None:
                also_write(dataset, nc)
    return RunResult(scenario, simulation, dataset, path if write else None, wallclock.perf_counter() - started)


def _trajectory_attrs(attrs: dict) -> dict:
    keep = ("Conventions", "title", "source", "history", "date_created", "plume_version", "site_lon", "site_lat",
            "time_coverage_start", "time_coverage_end", "scenario")
    return {k: attrs[k] for k in keep if k in attrs}
