"""The time loop: release, step, book deposits and exits, accumulate, write.

    for each step n (t = n dt):
        release the particles due by t
        at an output time: bin the suspended particles, record the budget
        near-bed exposure (running maxima, time above thresholds) from one pass over the particles,
            which also gives the near-bed concentration the processes read (when one does: density
            damping, hindered settling, flocculation); bin the midwater concentration for them
        step every active particle (numba, parallel)
        book this step's deposits and exits (serial, in particle order)
        erode the deposit and put resuspended particles into the water (when on)
"""
from __future__ import annotations

import sys
import time as wallclock
from dataclasses import dataclass
from pathlib import Path

import numba
import numpy as np
from tqdm.auto import tqdm

from .accumulators import Accumulators
from .budget import MassBudget
from .deposit import SeabedDeposit
from .environment import Environment, build_environment
from .environment.turbulence import bed_stress_from_spec
from .grids import LocalProjection, OutputGrid
from .kernels import status as st
from .kernels.accumulate import bin_suspended, rebin_suspended
from .kernels.bedstress import BedStressField, bed_shear_stress_field
from .kernels.concentration import LocalConcentration
from .kernels.particle import StepEnvironment
from .kernels.random import seed_key
from .kernels.step import step_particles
from .particles import ParticleState, mean_particle_mass_per_class
from .processes import resuspension, step_processes
from .sources import discharge_jets, release_schedule

__all__ = ["Simulation", "RunResult", "run"]

COMPILE_NOTICE_AFTER_S = 1.0
COMPILE_NOTICE = ("plume: compiling the particle step for this scenario's set of processes; this happens once per "
                  "installation and process set and takes up to a minute on 2 cores (later runs start at once)")


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
        # where each discharge's buoyant jet traps (None: no jet), stored in the output and summarised
        self.jets = discharge_jets(scenario, self.environment.seabed)
        schedule = release_schedule(scenario, self.environment.seabed, self.jets)
        sediment = scenario.sediment
        n_classes = len(sediment.classes)
        self.n_sources = len(scenario.sources)
        self.deposit = SeabedDeposit(self.grid, n_classes, resuspension.params_from_scenario(
            scenario, mean_particle_mass_per_class(schedule, n_classes)), n_sources=self.n_sources)
        self.next_particle_id = schedule.count
        # the concentration one particle of mean mass makes in one cell of each near-bed layer (kg m-3):
        # the floor below which SSC thresholds measure particle noise
        mean_mass_kg = float(schedule.mass_kg.sum() / max(schedule.count, 1))
        self.one_particle_ssc_kg_m3 = mean_mass_kg / self.grid.layer_cell_volume_m3.ravel()
        self.particles = ParticleState.from_schedule(schedule)
        del schedule
        self.processes = step_processes(scenario)
        self.settling_m_s = self.processes.settling.settling_m_s
        self.water_density_kg_m3 = float(sediment.water_density_kg_m3)
        self.bed_stress = bed_stress_from_spec(scenario.currents, self.water_density_kg_m3)
        self.tau_pa = np.zeros((self.grid.ny, self.grid.nx))
        # the bed stress field is evaluated each step only where something reads it
        self.stress_needed = self.processes.needs_bed_stress or self.deposit.resuspension is not None
        # flocculation, hindered settling and density damping read the local concentration
        self.concentration_needed = self.processes.needs_concentration
        # the midwater levels are read only through the particle's own cell (flocculation, hindered settling);
        # density damping alone (the default) reads the near-bed gradient: no midwater binning for it (4-5 % of
        # the default run's time)
        self.midwater_needed = self.processes.reads_cell_concentration
        g = self.grid
        self.level_bounds_m = g.depth_level_bounds_m if g.depth_level_bounds_m is not None else np.zeros(1)
        empty = np.zeros((1, 1, 1))
        self.no_concentration = LocalConcentration(False, g.x_min_m, g.y_min_m, g.resolution_m, g.layer_bounds_m,
                                                   self.level_bounds_m, empty, empty)
        self._concentration = None  # the binned concentration's arrays, reused every step
        # near the bed the processes read a field the exposure kernel writes in its pass over the particles:
        # the cell histogram, or with particles.local_concentration: estimator the SSC estimator's field;
        # the array and the cells it wrote on the last step
        self.near_bed_from_estimate = (self.concentration_needed
                                       and scenario.particles.local_concentration == "estimator")
        self._near_bed = None
        n_levels = len(self.level_bounds_m) - 1 if g.depth_level_bounds_m is not None else 0
        self.per_mass = (np.ones(g.n_layers), np.ones(max(n_levels, 1)))
        self.per_volume = (1.0 / g.layer_cell_volume_m3.ravel(),
                           1.0 / g.level_cell_volume_m3.ravel() if n_levels else np.ones(1))
        t = scenario.time
        self.dt_s = float(t.step_s)
        self.n_steps = int(t.n_steps)
        self.steps_per_output = int(t.steps_per_output)
        mean_every_h = scenario.output.mean_every_h
        self.steps_per_mean = int(round(mean_every_h * 3600.0 / self.dt_s)) if mean_every_h else 0
        self.n_means = self.n_steps // self.steps_per_mean if self.steps_per_mean else 0
        thresholds = scenario.thresholds
        self.accumulators = Accumulators(
            self.grid, int(t.n_outputs), float(t.output_every_s),
            np.asarray(thresholds.ssc_kg_m3, dtype=float), np.asarray(thresholds.deposit_m, dtype=float),
            float(scenario.sediment.deposit_dry_density_kg_m3),
            n_classes_kept=len(scenario.sediment.classes) if scenario.output.per_class else 0,
            n_sources_kept=self.n_sources,
            n_groups=int(scenario.particles.groups),
            ssc_estimator=str(scenario.output.ssc_estimator),
            deposit_estimator=str(scenario.output.deposit_estimator),
            mean_interval_s=self.steps_per_mean * self.dt_s, n_means=self.n_means,
            n_levels=n_levels,
        )
        self.records = None  # plume.records.RecordFile, opened when the run starts
        self.records_are_scratch = True
        self.budget = MassBudget(int(t.n_outputs), self.n_sources)
        self.key = seed_key(int(scenario.particles.seed))
        self.domain = (self.grid.x_min_m, self.grid.x_max_m, self.grid.y_min_m, self.grid.y_max_m)
        self.resuspension_rng = np.random.default_rng([int(scenario.particles.seed), 0x5E5])
        self.particles_released = 0
        self.finished_in_arrays = 0  # deposited or exited, not yet compacted away
        # compact once at least this many particles have finished and they are half the released ones
        self.compact_after_finished = 100_000
        self.particle_steps = 0
        # optional sample of particle paths (output.trajectories), recorded at output times
        self.trajectories = None
        if scenario.output.trajectories:
            from .trajectories import TrajectoryRecorder

            self.trajectories = TrajectoryRecorder.from_scenario(scenario)

    # -- the pieces of one step, each usable on its own (tests drive them directly) --

    def resolution_warnings(self) -> list[str]:
        """One line for each SSC threshold below ten times the concentration of one particle in the
        thinnest near-bed layer, with the particle count that would resolve it."""
        floor = float(self.one_particle_ssc_kg_m3.max())
        count = int(self.scenario.particles.count)
        lines = []
        for threshold in np.asarray(self.scenario.thresholds.ssc_kg_m3, dtype=float):
            if threshold < 10.0 * floor:
                needed = int(np.ceil(count * 10.0 * floor / threshold / 1000.0) * 1000)
                lines.append(f"thresholds.ssc_mg_l: {threshold * 1e3:g} mg/L is below ten times the concentration of "
                             f"one particle in a {self.grid.resolution_m:g} m cell of the thinnest near-bed layer "
                             f"({floor * 1e3:.3g} mg/L), so its areas and times count single particles; about "
                             f"{needed:,} particles (particles.count) would resolve it")
        return lines

    def compile(self, announce=None) -> None:
        """Compile (or load from numba's cache) the particle step, on no particles, changing no state.

        When numba's cache holds nothing of the step (the first run after installing, or after a kernel
        source changed), or the call takes more than a second (numba is compiling a new set of processes, not
        loading its cache), `announce` (a function of no arguments) is called once, and a helper process
        compiles the other kernels meanwhile (plume.compilation), on another core, into the cache that
        this process loads them from when the run first calls them. Nothing else is called here: a full
        step, even on no particles, would erode a resumed run's deposit (resuspension) once more.
        """
        import threading

        from .compilation import compile_beside
        from .kernels.cache import holds_compiled

        helper = []

        def compiling():
            if announce is not None:
                announce()
            process = compile_beside(self.scenario)
            if process is not None:
                helper.append(process)

        # with nothing of the step in numba's cache (a first run after installing) it will compile: say so and
        # start the helper at once (a second sooner); otherwise a load takes about a second, so a compile shows
        # as a longer wait
        timer = threading.Timer(COMPILE_NOTICE_AFTER_S, compiling)
        timer.daemon = True
        p = self.particles
        released = p.n_released
        p.n_released = 0
        try:
            if holds_compiled(step_particles):
                timer.start()
            else:
                compiling()
            try:
                self._step_particles(0, self.step_environment(0.0, compute=False))
            finally:
                timer.cancel()
                if timer.is_alive():
                    timer.join()
            for process in helper:
                process.wait()
        finally:
            p.n_released = released
            for process in helper:
                if process.poll() is None:
                    process.kill()  # stopped (Ctrl-C, an error): the helper's work is of no use now

    def release_due(self, t_s: float) -> None:
        p = self.particles
        w = p.first_waiting
        end = w + int(np.searchsorted(p.release_time_s[w:], t_s + 1e-9 * self.dt_s, side="right"))
        if end > w:
            released = p.release_until(end)
            mass = p.mass_kg[released]
            self.budget.release(float(np.sum(mass)), self.by_source(p.source_index[released], mass))
            self.particles_released += end - w

    def by_source(self, source_index, mass_kg) -> np.ndarray:
        """(source,) sums of mass_kg by source_index."""
        return np.bincount(source_index, weights=mass_kg, minlength=self.n_sources)

    def bin_suspended(self, layer_kg=None, level_kg=None, per_volume: bool = False):
        """The suspended particles' mass (kg; or kg m-3 with per_volume) in near-bed layers and midwater
        levels, and their total mass (kg). Bins into the arrays given (zeroed first), else new ones."""
        p = self.particles
        g = self.grid
        if layer_kg is None:
            layer_kg, level_kg = self.accumulators.empty_bins()
        else:
            layer_kg.fill(0.0)
            level_kg.fill(0.0)
        layer_scale, level_scale = self.per_volume if per_volume else self.per_mass
        suspended = bin_suspended(
            p.x_m, p.y_m, p.z_m, p.status, p.mass_kg, p.n_released, self.environment.seabed,
            g.x_min_m, g.y_min_m, g.resolution_m, g.layer_bounds_m, self.level_bounds_m, layer_kg, level_kg,
            layer_scale, level_scale,
        )
        return layer_kg, level_kg, suspended

    def _concentration_arrays(self) -> LocalConcentration:
        """The arrays the local concentration is binned into, made on first use and reused every step
        (midwater levels in the returned LocalConcentration, the near-bed field in self._near_bed)."""
        if self._concentration is None:
            _, level = self.accumulators.empty_bins()
            layer = np.zeros((0, self.grid.ny, self.grid.nx))  # near the bed: near_bed_concentration
            self._concentration = self.no_concentration._replace(active=True, layer_kg_m3=layer, level_kg_m3=level)
            self._binned_cells = np.empty(0, dtype=np.int64), 0
            near_bed, _ = self.accumulators.empty_bins()
            self._near_bed = near_bed, np.empty(near_bed.size, dtype=np.int64), 0
        return self._concentration

    def binned_concentration(self) -> LocalConcentration:
        """Midwater SSC (kg/m3) on the output grid's depth levels now (binned into the same arrays every
        step, which are cleared only where the previous step's particles were); near the bed the exposure
        kernel gives the field (near_bed_concentration)."""
        c = self._concentration_arrays()
        p = self.particles
        g = self.grid
        previous, n_previous = self._binned_cells
        touched = np.empty(2 * p.n_released, dtype=np.int64)
        _, n_touched = rebin_suspended(
            p.x_m, p.y_m, p.z_m, p.status, p.mass_kg, p.n_released, self.environment.seabed,
            g.x_min_m, g.y_min_m, g.resolution_m, g.layer_bounds_m, self.level_bounds_m, c.layer_kg_m3,
            c.level_kg_m3, *self.per_volume, previous, n_previous, touched)
        self._binned_cells = touched, n_touched
        return c

    def near_bed_concentration(self, seabed) -> np.ndarray:
        """This step's exposure (accumulate_step) and the near-bed SSC (layer, y, x; kg m-3) that density
        damping, hindered settling and flocculation read, both from the exposure kernel's one pass over the
        particles: the cell histogram, or with particles.local_concentration: estimator the SSC estimator's
        field (they are nonlinear in the concentration, damping in its vertical gradient, and where one
        particle is many mg/L the histogram's noise biases them: docs/outputs.md). Written into an array
        reused every step; the cells written on the previous step are zeroed first, so the work stays
        O(particles)."""
        self._concentration_arrays()
        field, cells, n_cells = self._near_bed
        field.reshape(-1)[cells[:n_cells]] = 0.0
        acc = self.accumulators
        if self.near_bed_from_estimate:
            n_cells, _ = acc.accumulate_step(self.particles, seabed, self.dt_s, field, cells)
        else:
            _, n_cells = acc.accumulate_step(self.particles, seabed, self.dt_s, histogram=field, histogram_cells=cells)
        self._near_bed = field, cells, n_cells
        return field

    def bed_shear_stress(self, t_s: float, fields=None) -> np.ndarray:
        """tau (Pa) at the output-grid cell centres at time t (the array is reused); `fields` are
        the step's (currents, clock) when the caller has them already."""
        env = self.environment
        currents, clock = fields if fields is not None else env.step_fields(t_s, self.dt_s)
        g = self.grid
        bed_shear_stress_field(currents, env.seabed, clock, 0, self.bed_stress, g.x_centres_m, g.y_centres_m,
                               self.tau_pa)
        return self.tau_pa

    def step_environment(self, t_s: float, compute: bool = True) -> StepEnvironment:
        """The fields the step's kernels read: seabed, staged currents and clock, bed stress, concentration.

        The exposure (maximum and time above thresholds) is accumulated on every model step, from the
        cells the particles touch; the gridded concentration is binned only for the processes that read it.
        With compute=False, the same arrays without running the kernels that fill them (to compile the
        step first: compile)."""
        env = self.environment
        if not compute:
            concentration = (self._concentration_arrays()._replace(layer_kg_m3=self._near_bed[0])
                             if self.concentration_needed else self.no_concentration)
        elif self.concentration_needed:
            cells = self.binned_concentration() if self.midwater_needed else self._concentration_arrays()
            concentration = cells._replace(layer_kg_m3=self.near_bed_concentration(env.seabed))
        else:
            self.accumulators.accumulate_step(self.particles, env.seabed, self.dt_s)
            concentration = self.no_concentration
        currents, clock = env.step_fields(t_s, self.dt_s)
        if self.stress_needed and compute:
            self.bed_shear_stress(t_s, (currents, clock))
        g = self.grid
        stress = BedStressField(self.stress_needed, g.x_min_m, g.y_min_m, g.resolution_m, self.tau_pa,
                                self.water_density_kg_m3)
        return StepEnvironment(env.seabed, currents, clock, stress, concentration)

    def step(self, step_index: int) -> None:
        p = self.particles
        t_s = step_index * self.dt_s
        self._step_particles(step_index, self.step_environment(t_s))
        self.particle_steps += p.n_released - self.finished_in_arrays
        self.accumulators.book_group_deposits(p)  # before the deposit marks this step's deposits done
        deposited, exited, finished = self.deposit.book(p)
        self.budget.deposit(deposited, self.deposit.step_deposited_by_source_kg)
        self.budget.exit(exited, self.deposit.step_exited_by_source_kg)
        self.finished_in_arrays += finished
        if self.deposit.resuspension is not None:
            self.resuspend(t_s)
        if self.finished_in_arrays >= max(self.compact_after_finished, p.n_released // 2):
            p.compact()  # deposited particles leave the active set and free their memory
            self.finished_in_arrays = 0

    def _step_particles(self, step_index: int, environment: StepEnvironment) -> None:
        p = self.particles
        t_s = step_index * self.dt_s
        step_particles(
            p.x_m, p.y_m, p.z_m, p.status, p.class_index, p.particle_id, p.release_time_s, p.n_released,
            *environment, *self.processes, self.water_density_kg_m3, self.domain, self.dt_s, t_s, self.key, step_index,
        )

    def resuspend(self, t_s: float) -> None:
        """Erode the deposit over the step that starts at t (the flow at t, computed for the step) and
        put whole particles' worth back in the water, stamped with release time t (keeps release times
        sorted)."""
        self.deposit.erode_step(self.tau_pa, self.dt_s)
        new = self.deposit.take_particles(self.environment.seabed, self.resuspension_rng)
        if new is None:
            return
        self.particles.insert_active(new, t_s, self.next_particle_id)
        self.next_particle_id += new.count
        self.budget.resuspend(float(np.sum(new.mass_kg)), self.by_source(new.source_index, new.mass_kg))

    def open_records(self, path: Path | None = None, resume: bool = False) -> None:
        """Open the file the gridded records stream into (plume.records): `path`, or a scratch file in the
        system's temporary folder (removed by close(), or when this process ends)."""
        from .records import RecordFile, scratch_records_path

        self.records_are_scratch = path is None
        path = scratch_records_path(None, self.scenario.name) if path is None else Path(path)
        self.records = RecordFile(path, *self.accumulators.record_layout(), resume=resume,
                                  scratch=self.records_are_scratch)
        self.accumulators.records = self.records

    def record(self, output_index: int) -> None:
        if self.records is None:  # the pieces of a step driven one by one
            self.open_records()
        p = self.particles
        layer_kg, level_kg, suspended = self.bin_suspended()
        ssc = np.zeros_like(layer_kg)  # the near-bed SSC estimate; the maxima see every output too
        self.accumulators.accumulate_step(p, self.environment.seabed, 0.0, ssc)
        tau = self.bed_shear_stress(output_index * self.steps_per_output * self.dt_s)
        self.accumulators.record(output_index, layer_kg, level_kg, self.deposit.by_pool_kg(), tau, ssc)
        if self.trajectories is not None:
            self.trajectories.record(output_index, p)
        n = p.n_released
        in_water = p.status[:n] == st.ACTIVE
        self.budget.record(output_index, suspended, n,
                           self.by_source(p.source_index[:n][in_water], p.mass_kg[:n][in_water]))

    def record_mean(self, mean_index: int) -> None:
        """The time-aggregated record of averaging interval `mean_index`, at its end."""
        self.accumulators.record_mean(mean_index, self.deposit.by_pool_kg().sum(axis=(0, 1)))

    def run(self, progress: bool = False, checkpoint: Path | None = None, resume: bool = False,
            records: Path | None = None) -> None:
        """Run to the end, writing the gridded records to `records` (plume.records; default: a scratch
        file in the system's temporary folder, read back by build_dataset). With `checkpoint` (a path),
        save the state there every output.checkpoint_every_h of model time; with `resume`, continue from
        the state saved there (when there is one) and write on into its records."""
        from . import checkpoint as saved

        first = 0
        if resume and checkpoint is not None and Path(checkpoint).exists():
            first = saved.restore(self, checkpoint)
        self.resumed_at_step = first
        self.particle_steps_at_start = self.particle_steps
        every_h = self.scenario.output.checkpoint_every_h
        every = max(int(round(every_h * 3600.0 / self.dt_s)), 1) if checkpoint is not None and every_h else 0
        self.open_records(records, resume=first > 0)
        try:
            self._run_steps(first, every, checkpoint, progress)
        except BaseException:
            if not every:  # nothing to resume from: the records are of no use
                self.records.remove()
            raise
        finally:
            self.accumulators.release_scratch()  # the steps' and records' working arrays: not needed after

    def _run_steps(self, first: int, every: int, checkpoint, progress: bool) -> None:
        from . import checkpoint as saved

        bar = tqdm(total=self.n_steps, initial=first, unit="step", disable=None if progress else True,
                   desc=self.scenario.name, dynamic_ncols=True)
        with bar:
            # the step first, and the other kernels beside it on a first run (compile); announced with the bar
            self.compile(announce=(lambda: tqdm.write(COMPILE_NOTICE, file=sys.stderr)) if progress else None)
            for n in range(first, self.n_steps + 1):
                if every and n > first and n % every == 0 and n < self.n_steps:
                    self.records.sync()
                    saved.save(self, n, checkpoint)  # the state before step n: a resume starts here
                self.release_due(n * self.dt_s)
                if n % self.steps_per_output == 0:
                    self.record(n // self.steps_per_output)
                if self.steps_per_mean and n and n % self.steps_per_mean == 0:
                    self.record_mean(n // self.steps_per_mean - 1)
                if n == self.n_steps:
                    break
                self.step(n)
                bar.update(1)
                if n % 20 == 0:
                    bar.set_postfix(active=self.particles.n_released - self.finished_in_arrays, refresh=False)

    def close(self, remove_records: bool = False) -> None:
        """Close the record file (after build_dataset has read it); remove it when it is scratch or
        `remove_records` says so (the result is written)."""
        if self.records is not None:
            if self.records_are_scratch or remove_records:
                self.records.remove()
            else:
                self.records.close()


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
        also_write=None, resume: bool = False, load: bool = True) -> RunResult:
    """Run a validated scenario; returns the dataset (and writes `<output.directory>/<name>.nc`).
    With `load` (the default) a written result up to 1 GB comes back in memory; without, it is read
    from the file as it is used (the command line, which reads only the summary's few numbers: loading
    the default run's took 2 s).

    The result set (the .nc, metrics, trajectories, and whatever `also_write(dataset, staged_nc_path)`
    writes beside the staged .nc, such as the maps) is written as a unit: see plume.resultset.
    With output.checkpoint_every_h the run saves checkpoints beside it (plume.checkpoint), and with
    `resume` it continues from the last one; the checkpoint is removed once the result set is in."""
    from .checkpoint import checkpoint_path
    from .output import build_dataset, dask_in_process, maps_folder_name, result_files, write_dataset
    from .resultset import check_targets

    if threads is not None:
        numba.set_num_threads(int(threads))
    path = Path(scenario.output.directory) / f"{scenario.name}.nc"
    files, folders = result_files(path), [maps_folder_name(path)]
    if write:
        check_targets(path.parent, files, folders)  # fail before the run, not after it
    started = wallclock.perf_counter()
    simulation = Simulation(scenario)
    if not write:
        simulation.run(progress=progress)
        dataset = build_dataset(simulation)  # in memory; the scratch records are removed
        return RunResult(scenario, simulation, dataset, None, wallclock.perf_counter() - started)

    from .output import reopen_written, write_metrics
    from .records import records_path, scratch_records_path
    from .resultset import result_set

    checkpoint = checkpoint_path(path)
    # the records stream to disk beside the result: kept with the checkpoint of a run that checkpoints
    # (a resume writes on into them), a unique hidden scratch file otherwise
    records = records_path(path) if scenario.output.checkpoint_every_h else scratch_records_path(path.parent, path.stem)
    simulation.run(progress=progress, checkpoint=checkpoint, resume=resume, records=records)
    try:
        # every computation on the lazily read records happens here, in this thread and in order: inside a
        # dask.distributed worker (plume ensemble) the default scheduler would ship them to the cluster, to
        # read this process's open record file from other threads (HDF5 errors, then crashed workers)
        with dask_in_process():
            dataset = build_dataset(simulation, lazy=True)  # read back one record at a time
            with result_set(path.parent, files + folders) as staged:
                nc = staged.path(path.name)
                write_dataset(dataset, nc)
                write_metrics(dataset, nc, scenario.name, metrics=dataset)  # build_dataset added them
                if simulation.trajectories is not None:
                    from .trajectories import trajectory_path

                    simulation.trajectories.write(trajectory_path(nc), simulation.projection,
                                                  simulation.environment.depth_at, dataset.time.attrs["units"],
                                                  _trajectory_attrs(dataset.attrs))
                if also_write is not None:
                    also_write(dataset, nc)
    except BaseException:
        simulation.close(remove_records=not scenario.output.checkpoint_every_h)
        raise
    simulation.close(remove_records=True)
    checkpoint.unlink(missing_ok=True)  # the result is in: nothing left to resume
    return RunResult(scenario, simulation, reopen_written(path, load), path, wallclock.perf_counter() - started)


def _trajectory_attrs(attrs: dict) -> dict:
    keep = ("Conventions", "title", "source", "history", "date_created", "plume_version", "site_lon", "site_lat",
            "time_coverage_start", "time_coverage_end", "scenario")
    return {k: attrs[k] for k in keep if k in attrs}
