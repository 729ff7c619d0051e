"""The environment the particles move in: seabed, currents and turbulence, as kernel-ready arrays.

Each input form has a small adapter (flat seabed, bathymetry file, synthetic
currents, current file) that produces the tuples of `fields`; from there on
the solver sees one convention.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import math

import numpy as np

from .currents import UniformFlow, empty_current_grid, time_index_and_fraction, uniform_flow_from_spec
from .fields import CurrentGrid, SeabedGrid, flat_seabed
from .hills import abyssal_hills
from ..kernels.interpolate import blend_snapshots


@dataclass
class Environment:
    seabed: SeabedGrid
    currents: CurrentGrid
    uniform_flow: UniformFlow
    _stage_buffers: tuple | None = field(default=None, init=False, repr=False)

    def clock(self, t_s: float, dt_s: float):
        """Per-stage (t, t + dt/2, t + dt) time indices, fractions, and the uniform near-bed and midwater
        flows, for the kernels."""
        times = np.array([t_s, t_s + 0.5 * dt_s, t_s + dt_s])
        index = np.zeros(3, dtype=np.int64)
        fraction = np.zeros(3)
        for s, t in enumerate(times):
            index[s], fraction[s] = time_index_and_fraction(self.currents.time_s, t)
        flows = (*self.uniform_flow.at(times), *self.uniform_flow.midwater_at(times))
        return (index, fraction) + tuple(np.ascontiguousarray(f, dtype=float) for f in flows)

    def step_fields(self, t_s: float, dt_s: float):
        """The currents and clock for one step's kernels.

        Time-varying gridded currents are blended to the three stage times once
        per step for all particles, so each particle interpolates one snapshot
        per stage instead of two: half the memory reads of the advection.
        """
        clock = self.clock(t_s, dt_s)
        index, fraction = clock[:2]
        if self.currents.time_s.size == 1:
            return self.currents, clock
        if self._stage_buffers is None:
            shape = (3,) + self.currents.u_m_s.shape[1:]
            has_w = self.currents.has_vertical_velocity
            self._stage_buffers = (
                np.empty(shape, np.float32), np.empty(shape, np.float32),
                np.empty(shape, np.float32) if has_w else np.zeros((3, 1, 1, 1), np.float32),
            )
        bu, bv, bw = self._stage_buffers
        c = self.currents
        blend_snapshots(c.u_m_s, index, fraction, bu)
        blend_snapshots(c.v_m_s, index, fraction, bv)
        if c.has_vertical_velocity:
            blend_snapshots(c.w_m_s, index, fraction, bw)
        staged = c._replace(time_s=np.array([t_s, t_s + 0.5 * dt_s, t_s + dt_s]), u_m_s=bu, v_m_s=bv, w_m_s=bw)
        return staged, (np.arange(3, dtype=np.int64), np.zeros(3)) + clock[2:]

    def depth_at(self, x_m, y_m) -> np.ndarray:
        """Sea-floor depth (m, positive down) at local positions, for use outside kernels."""
        from ..kernels.interpolate import seabed_depth

        xs = np.atleast_1d(np.asarray(x_m, dtype=float))
        ys = np.broadcast_to(np.asarray(y_m, dtype=float), xs.shape)
        return np.array([seabed_depth(self.seabed, a, b) for a, b in zip(xs.ravel(), ys.ravel())]).reshape(xs.shape)


MIN_DEPTH_WITH_HILLS_M = 10.0


def _add_hills(seabed: SeabedGrid, hills, extent, resolution_m: float, scenario) -> SeabedGrid:
    """The seabed with synthetic abyssal hills (positive up) on nodes `resolution_m` apart.

    A flat seabed arrives as a 2x2 grid; it is first spread onto regular nodes
    over the extent (the same nodes a bathymetry file is read onto). Raises
    ScenarioError when the hills would bring the seabed within 10 m of the surface.
    """
    x_min, x_max, y_min, y_max = extent
    flat_depth_m = scenario.bathymetry.flat_depth_m
    if flat_depth_m is not None:
        nx = max(2, int(math.ceil((x_max - x_min) / resolution_m - 1e-9)) + 1)
        ny = max(2, int(math.ceil((y_max - y_min) / resolution_m - 1e-9)) + 1)
        seabed = SeabedGrid(float(x_min), resolution_m, float(y_min), resolution_m,
                            np.full((ny, nx), float(flat_depth_m)))
    ny, nx = seabed.depth_m.shape
    relief = abyssal_hills(nx, ny, seabed.dx_m, seabed.dy_m, hills.rms_height_m, hills.wavelength_across_m,
                           hills.wavelength_along_m, hills.azimuth_deg, hills.seed, hills.hurst,
                           hills.rolloff_wavelength_m)
    depth = np.ascontiguousarray(seabed.depth_m - relief, dtype=np.float64)
    shallowest = float(depth.min())
    if not shallowest > MIN_DEPTH_WITH_HILLS_M:
        from ..errors import ScenarioError

        path = getattr(scenario, "_source_path", None)
        label = str(path) if path is not None else "<scenario>"
        raise ScenarioError(
            f"{label}: bathymetry.abyssal_hills.rms_height_m: with the hills the seabed rises to "
            f"{shallowest:.1f} m depth (tallest hill {float(relief.max()):.1f} m); the seabed must stay deeper than "
            f"{MIN_DEPTH_WITH_HILLS_M:g} m everywhere, use a smaller rms_height_m, got {hills.rms_height_m:g}")
    return seabed._replace(depth_m=depth)


def build_environment(scenario, projection, grid) -> Environment:
    """Build the environment for a validated scenario; raises InputDataError on bad data files
    and ScenarioError when ``bathymetry.abyssal_hills`` would bring the seabed within 10 m of the surface."""
    extent = (grid.x_min_m, grid.x_max_m, grid.y_min_m, grid.y_max_m)
    bathymetry = scenario.bathymetry
    if bathymetry.flat_depth_m is not None:
        seabed = flat_seabed(bathymetry.flat_depth_m, extent)
    else:
        from .bathymetry import seabed_from_file

        seabed = seabed_from_file(
            bathymetry.file, projection, extent, grid.resolution_m, variable=bathymetry.variable
        )
    if bathymetry.abyssal_hills is not None:
        seabed = _add_hills(seabed, bathymetry.abyssal_hills, extent, float(grid.resolution_m), scenario)

    currents = scenario.currents
    if currents.synthetic is not None:
        spec = currents.synthetic
        current_grid = empty_current_grid(spec.bottom_roughness_m, spec.log_layer_height_m)
        uniform = uniform_flow_from_spec(spec)
    elif currents.adcp is not None:
        from .currents_adcp import currents_from_adcp

        variables = currents.variables.model_dump() if currents.variables is not None else None
        current_grid = currents_from_adcp(
            currents.adcp, scenario.time.start, scenario.time.duration_s, variables=variables,
        )
        uniform = UniformFlow()
    else:
        from .currents_file import currents_from_file

        variables = currents.variables.model_dump() if currents.variables is not None else None
        current_grid = currents_from_file(
            currents.file, projection, extent, scenario.time.start, scenario.time.duration_s,
            variables=variables,
        )
        from .currents_file import reach_to_bed

        current_grid = reach_to_bed(currents.file, current_grid, float(np.max(seabed.depth_m)),
                                    currents.extend_to_bed, currents.bed_roughness_m)
        uniform = UniformFlow()

    current_grid = _terrain_and_depth_structure(current_grid, currents, seabed)
    return Environment(kernel_ready(seabed), kernel_ready(current_grid), uniform)


MIN_TERRAIN_BLEND_HEIGHT_M = 20.0


def seabed_rms_relief_m(seabed: SeabedGrid) -> float:
    """rms of the seabed's depth about its best-fitting plane (m): the relief the flow meets."""
    ny, nx = seabed.depth_m.shape
    yy, xx = np.mgrid[0:ny, 0:nx]
    design = np.column_stack([np.ones(xx.size), xx.ravel(), yy.ravel()])
    depth = seabed.depth_m.ravel()
    coefficients, *_ = np.linalg.lstsq(design, depth, rcond=None)
    return float(np.sqrt(np.mean((depth - design @ coefficients) ** 2)))


def _terrain_and_depth_structure(grid: CurrentGrid, currents, seabed: SeabedGrid) -> CurrentGrid:
    """Switch on terrain-following flow (unless the currents carry their own w) and the synthetic
    midwater flow's blend heights."""
    follow = currents.terrain_following
    if follow is not None and not grid.has_vertical_velocity:
        height = follow.blend_height_m
        if height is None:
            height = max(2.0 * seabed_rms_relief_m(seabed), MIN_TERRAIN_BLEND_HEIGHT_M)
        grid = grid._replace(terrain_following=True, terrain_blend_height_m=float(height))
    midwater = currents.synthetic.midwater if currents.synthetic is not None else None
    if midwater is not None:
        grid = grid._replace(midwater_from_m=float(midwater.from_height_m), midwater_to_m=float(midwater.to_height_m))
    return grid


def kernel_ready(fields):
    """Writable C-contiguous arrays in every field tuple: numba compiles the step once per array
    type, and a read-only array (from a file's coordinate) would cost a second compilation."""
    return fields._replace(**{
        name: np.array(value, order="C", copy=True)
        for name, value in fields._asdict().items()
        if isinstance(value, np.ndarray) and not (value.flags.writeable and value.flags.c_contiguous)
    })
