"""The run's CF-NetCDF: assemble an xarray Dataset with CF/ACDD attributes and write it atomically.

DESIGN.md section 5 is the contract for names, dimensions and units.
"""
from __future__ import annotations

import os
import tempfile
from contextlib import contextmanager
from datetime import datetime, timezone
from pathlib import Path

import numpy as np
import xarray as xr

from . import __version__
from .analysis import add_metrics, source_geometry
from .cf import cf_attributes
from .errors import PlumeError

# name -> (units, standard_name or None, long_name). One registry drives every variable's attributes.
VARIABLES = {
    "ssc": ("kg m-3", "mass_concentration_of_suspended_matter_in_sea_water",
            "suspended sediment concentration in near-bed layers (cell mean)"),
    "ssc_max": ("kg m-3", "mass_concentration_of_suspended_matter_in_sea_water",
                "maximum over the run (every model step) of suspended sediment concentration in near-bed layers"),
    "ssc_peak": ("kg m-3", None,
                 "maximum over the near-bed layers and over every model step so far of suspended sediment "
                 "concentration (ssc_max up to each output time, its largest layer)"),
    "ssc_midwater": ("kg m-3", "mass_concentration_of_suspended_matter_in_sea_water",
                     "suspended sediment concentration in midwater depth cells (cell mean)"),
    "ssc_exceedance_time": ("s", None,
                            "time with suspended sediment concentration at or above threshold "
                            "(accumulated on the model step)"),
    "ssc_exceedance_time_longest": ("s", None,
                                    "longest time any near-bed cell has been at or above each SSC threshold "
                                    "so far (accumulated on the model step)"),
    "ssc_one_particle": ("kg m-3", None,
                         "concentration of one particle of mean mass in one grid cell of each near-bed layer: "
                         "thresholds below about ten times this measure particle noise"),
    "deposit_mass": ("kg m-2", None, "cumulative deposited dry sediment mass per unit seabed area"),
    "ssc_mean": ("kg m-3", "mass_concentration_of_suspended_matter_in_sea_water",
                 "mean over the averaging interval (integrated on every model step) of suspended sediment "
                 "concentration in near-bed layers"),
    "deposition_rate": ("kg m-2 s-1", None, "net rate of change of the deposited dry sediment mass per unit "
                        "seabed area over the averaging interval (negative where erosion wins)"),
    "deposit_mass_cumulative": ("kg m-2", None, "cumulative deposited dry sediment mass per unit seabed area at the "
                                "end of the averaging interval"),
    "ssc_exceedance_time_cumulative": ("s", None, "time with near-bed suspended sediment concentration at or "
                                       "above threshold from the start of the run to the end of the averaging "
                                       "interval (accumulated on the model step)"),
    "deposit_mass_without_group": ("kg m-2", None,
                                   "cumulative deposited dry sediment mass per unit seabed area estimated "
                                   "without the particles of one group (the other groups' mass times G / (G - 1)): "
                                   "the delete-a-group jackknife fields that give the metrics' uncertainties"),
    "ssc_max_without_group": ("kg m-3", None,
                              "maximum over the run (every model step) of near-bed suspended sediment "
                              "concentration estimated without the particles of one group (times G / (G - 1))"),
    "deposit_mass_by_class_without_group": ("kg m-2", None, "deposit_mass_by_class (final) estimated without the "
                                            "particles of one group (times G / (G - 1))"),
    "deposit_mass_by_source_without_group": ("kg m-2", None, "deposit_mass_by_source (final) estimated without the "
                                             "particles of one group (times G / (G - 1))"),
    "ssc_time_integral": ("kg m-3 s", None, "time integral of near-bed suspended sediment concentration over the "
                          "run, accumulated on every model step (ssc_exposure)"),
    "ssc_time_integral_without_group": ("kg m-3 s", None, "ssc_time_integral estimated without the particles of "
                                        "one group (times G / (G - 1))"),
    "ssc_exceedance_time_longest_without_group": ("s", None,
                                                  "ssc_exceedance_time_longest estimated without the particles "
                                                  "of one group (times G / (G - 1))"),
    "deposit_thickness": ("m", None, "cumulative deposit thickness (deposit_mass / deposit dry density)"),
    "deposit_area": ("m2", None, "seabed area with deposit thickness at or above threshold"),
    "mass_released": ("kg", None, "cumulative sediment mass released by all sources"),
    "mass_suspended": ("kg", None, "sediment mass in suspension"),
    "mass_deposited": ("kg", None, "cumulative sediment mass deposited on the seabed"),
    "mass_exited": ("kg", None, "cumulative sediment mass that left the model domain"),
    "mass_resuspended": ("kg", None, "cumulative sediment mass eroded from the deposit back into suspension "
                         "(mass_deposited is net of it)"),
    "bed_shear_stress": ("Pa", None, "bed shear stress of the near-bed flow at the cell centre"),
    "settling_velocity": ("m s-1", None, "still-water settling velocity of the sediment class (positive down)"),
    "deposit_mass_by_class": ("kg m-2", None, "cumulative deposited dry sediment mass per unit seabed area, "
                              "per sediment class"),
    "deposit_mass_by_source": ("kg m-2", None, "cumulative deposited dry sediment mass per unit seabed area, "
                               "per source (resuspended sediment keeps its source)"),
    "mass_released_by_source": ("kg", None, "cumulative sediment mass released, per source"),
    "mass_suspended_by_source": ("kg", None, "sediment mass in suspension, per source"),
    "mass_deposited_by_source": ("kg", None, "cumulative sediment mass deposited on the seabed (net of "
                                 "resuspension), per source"),
    "mass_exited_by_source": ("kg", None, "cumulative sediment mass that left the model domain, per source"),
    "mass_resuspended_by_source": ("kg", None, "cumulative sediment mass eroded from the deposit back into "
                                   "suspension, per source"),
    "source_jet_trap_depth": ("m", "depth", "depth of the discharge jet's trap: the centre of the spreading "
                              "layer where the far-field particles start (missing without an outlet)"),
    "source_jet_stop_depth": ("m", "depth", "depth where the discharge jet's vertical momentum is spent "
                              "(missing without an outlet)"),
    "source_jet_layer_thickness": ("m", None, "thickness of the layer over which the trapped jet spreads "
                                   "(missing without an outlet)"),
    "source_jet_radius": ("m", None, "radius of the discharge jet at the trap (missing without an outlet)"),
    "source_jet_dilution": ("1", None, "volume flux of the jet at the trap over the discharged flow "
                            "(missing without an outlet)"),
    "depth": ("m", "sea_floor_depth_below_sea_surface", "sea-floor depth below the sea surface"),
    "deposit_dry_density": ("kg m-3", None, "dry bulk density of the deposit (converts mass to thickness)"),
    "source_x": ("m", None, "x (east, local frame) of the discharge point or of the collector track start"),
    "source_y": ("m", None, "y (north, local frame) of the discharge point or of the collector track start"),
    "source_nodule_rate": ("kg s-1", None, "nodule collection rate of the source (missing where not given)"),
    "source_start": ("s", None, "start of the release, time since the start of the run"),
    "source_stop": ("s", None, "end of the release, time since the start of the run"),
    "track_x": ("m", None, "x (east, local frame) of a collector track vertex"),
    "track_y": ("m", None, "y (north, local frame) of a collector track vertex"),
    "track_lon": ("degrees_east", "longitude", "longitude of a collector track vertex"),
    "track_lat": ("degrees_north", "latitude", "latitude of a collector track vertex"),
}


def _attrs(name: str) -> dict:
    return cf_attributes(VARIABLES[name])


def build_dataset(simulation, lazy: bool = False) -> xr.Dataset:
    """The output Dataset of a finished simulation. Its gridded records come from the run's record file
    (plume.records): read lazily, one record at a time, with `lazy` (the caller then writes the result
    and calls simulation.close()), else loaded into memory and the scratch file removed."""
    sc = simulation.scenario
    grid = simulation.grid
    acc = simulation.accumulators
    rec = simulation.records.open_lazily()  # dask arrays, one record per chunk
    proj = simulation.projection
    x = grid.x_centres_m
    y = grid.y_centres_m
    xx, yy = np.meshgrid(x, y)
    lon, lat = proj.to_lonlat(xx, yy)
    depth = simulation.environment.depth_at(xx, yy)
    output_s = np.arange(acc.n_outputs) * acc.output_interval_s
    start = sc.time.start.astimezone(timezone.utc).replace(tzinfo=None)
    time_units = f"seconds since {start.isoformat(sep=' ')}"
    bounds = grid.layer_bounds_m
    spatial = ("y", "x")
    on_grid = {"grid_mapping": "crs", "coordinates": "lat lon"}

    data_vars = {
        "crs": ((), np.int32(0), proj.cf_grid_mapping()),
        "depth": (spatial, depth.astype(np.float32), {**_attrs("depth"), **on_grid, "positive": "down"}),
        "ssc": (("time", "layer", "y", "x"), rec["ssc"], {**_attrs("ssc"), **on_grid}),
        "ssc_max": (("layer", "y", "x"), acc.ssc_max_kg_m3, {**_attrs("ssc_max"), **on_grid,
                                                              "cell_methods": "time: maximum"}),
        "ssc_peak": (("time", "y", "x"), rec["ssc_peak"], {**_attrs("ssc_peak"), **on_grid}),
        "ssc_exceedance_time": (("ssc_threshold", "layer", "y", "x"), acc.exceedance_s,
                                {**_attrs("ssc_exceedance_time"), **on_grid}),
        "deposit_mass": (("time", "y", "x"), rec["deposit_mass"], {**_attrs("deposit_mass"), **on_grid}),
        "deposit_thickness": (("time", "y", "x"), rec["deposit_mass"] / np.float32(acc.deposit_dry_density_kg_m3),
                              {**_attrs("deposit_thickness"), **on_grid}),
        "deposit_area": (("time", "deposit_threshold"), acc.deposit_area_m2, _attrs("deposit_area")),
        "bed_shear_stress": (("time", "y", "x"), rec["bed_shear_stress"],
                             {**_attrs("bed_shear_stress"), **on_grid}),
        "layer_bounds": (("layer", "nv"), np.stack([bounds[:-1], bounds[1:]], axis=1), {"units": "m"}),
        "ssc_exceedance_time_longest": (("time", "ssc_threshold"), acc.longest_exceedance_s,
                                        _attrs("ssc_exceedance_time_longest")),
        "ssc_one_particle": (("layer",), np.asarray(simulation.one_particle_ssc_kg_m3, dtype=float),
                             _attrs("ssc_one_particle")),
    }
    data_vars.update({
        "deposit_mass_without_group": (("group", "y", "x"), acc.deposit_without_group_kg_m2,
                                       {**_attrs("deposit_mass_without_group"), **on_grid}),
        "ssc_max_without_group": (("group", "layer", "y", "x"), acc.ssc_max_without_group_kg_m3,
                                  {**_attrs("ssc_max_without_group"), **on_grid, "cell_methods": "time: maximum"}),
        "ssc_exceedance_time_longest_without_group": (("time", "group", "ssc_threshold"),
                                                      acc.longest_exceedance_without_group_s,
                                                      _attrs("ssc_exceedance_time_longest_without_group")),
        "ssc_time_integral": (("layer", "y", "x"), acc.ssc_integral_kg_s_m3.astype(np.float32),
                              {**_attrs("ssc_time_integral"), **on_grid}),
        "ssc_time_integral_without_group": (("group", "layer", "y", "x"), acc.ssc_integral_without_group_kg_s_m3,
                                            {**_attrs("ssc_time_integral_without_group"), **on_grid}),
    })
    if acc.deposit_by_class_without_group_kg_m2 is not None:
        data_vars["deposit_mass_by_class_without_group"] = (
            ("group", "sediment_class", "y", "x"), acc.deposit_by_class_without_group_kg_m2,
            {**_attrs("deposit_mass_by_class_without_group"), **on_grid})
    if acc.deposit_by_source_without_group_kg_m2 is not None:
        data_vars["deposit_mass_by_source_without_group"] = (
            ("group", "source", "y", "x"), acc.deposit_by_source_without_group_kg_m2,
            {**_attrs("deposit_mass_by_source_without_group"), **on_grid})
    for name in ("released", "suspended", "deposited", "exited", "resuspended"):
        data_vars[f"mass_{name}"] = (("time",), simulation.budget.series_kg[name], _attrs(f"mass_{name}"))
        data_vars[f"mass_{name}_by_source"] = (("time", "source"), simulation.budget.series_by_source_kg[name],
                                               _attrs(f"mass_{name}_by_source"))
    if "deposit_mass_by_source" in rec:
        data_vars["deposit_mass_by_source"] = (("time", "source", "y", "x"), rec["deposit_mass_by_source"],
                                               {**_attrs("deposit_mass_by_source"), **on_grid})

    coords = {
        "time": ("time", output_s, {"standard_name": "time", "long_name": "output time",
                                     "units": time_units, "calendar": "standard", "axis": "T"}),
        "x": ("x", x, {"standard_name": "projection_x_coordinate", "long_name": "x (east) in the local frame",
                       "units": "m", "axis": "X"}),
        "y": ("y", y, {"standard_name": "projection_y_coordinate", "long_name": "y (north) in the local frame",
                       "units": "m", "axis": "Y"}),
        "lon": (spatial, lon, {"standard_name": "longitude", "long_name": "longitude of cell centre",
                               "units": "degrees_east"}),
        "lat": (spatial, lat, {"standard_name": "latitude", "long_name": "latitude of cell centre",
                               "units": "degrees_north"}),
        "layer": ("layer", 0.5 * (bounds[:-1] + bounds[1:]),
                  {"long_name": "mid-height of near-bed layer above the seabed", "units": "m",
                   "positive": "up", "bounds": "layer_bounds"}),
        "deposit_threshold": ("deposit_threshold", np.asarray(sc.thresholds.deposit_m, dtype=float),
                              {"long_name": "deposit thickness threshold", "units": "m"}),
        "ssc_threshold": ("ssc_threshold", np.asarray(sc.thresholds.ssc_kg_m3, dtype=float),
                          {"long_name": "suspended sediment concentration threshold", "units": "kg m-3"}),

        "group": ("group", np.arange(acc.n_groups, dtype=np.int32),
                  {"long_name": "independent particle group left out (a hash of the particle id modulo "
                                "particles.groups)"}),
    }
    if "ssc_midwater" in rec:
        levels = grid.depth_level_bounds_m
        coords["depth_level"] = ("depth_level", 0.5 * (levels[:-1] + levels[1:]),
                                 {"standard_name": "depth", "long_name": "mid-depth of midwater cell",
                                  "units": "m", "positive": "down", "bounds": "depth_level_bounds"})
        data_vars["depth_level_bounds"] = (("depth_level", "nv"), np.stack([levels[:-1], levels[1:]], axis=1),
                                           {"units": "m", "positive": "down"})
        data_vars["ssc_midwater"] = (("time", "depth_level", "y", "x"), rec["ssc_midwater"],
                                     {**_attrs("ssc_midwater"), **on_grid})

    classes = sc.sediment.classes
    coords["sediment_class"] = ("sediment_class", np.arange(len(classes), dtype=np.int32),
                                {"long_name": "sediment class index (see sediment_class_name)"})
    coords["sediment_class_name"] = ("sediment_class", np.array([c.name for c in classes], dtype=object),
                                     {"long_name": "sediment class name"})
    data_vars["settling_velocity"] = (("sediment_class",), np.asarray(simulation.settling_m_s, dtype=float),
                                      _attrs("settling_velocity"))
    if "deposit_mass_by_class" in rec:
        data_vars["deposit_mass_by_class"] = (("time", "sediment_class", "y", "x"), rec["deposit_mass_by_class"],
                                              {**_attrs("deposit_mass_by_class"), **on_grid})
    if acc.n_means:
        _add_means(data_vars, coords, rec, acc, time_units, on_grid)
    data_vars.update(_source_variables(sc, proj))
    data_vars.update(_jet_variables(simulation.jets))
    data_vars["deposit_dry_density"] = ((), float(sc.sediment.deposit_dry_density_kg_m3),
                                        _attrs("deposit_dry_density"))
    ds = xr.Dataset(data_vars=data_vars, coords=coords)
    # the attributes first: the footprint metrics read the collectors' widths from the scenario they
    # carry (without it the file's footprint was empty and its area 0, while the CSV, computed again
    # from the written file, had it)
    ds.attrs = _global_attributes(sc, lon, lat, output_s, simulation)
    distances = getattr(sc.output, "metric_distances_m", None)
    with dask_in_process():
        if not lazy:
            ds = ds.load()
            simulation.close()
        ds = add_metrics(ds, None if distances is None else [float(d) for d in distances])
    return ds


def _add_means(data_vars: dict, coords: dict, rec: dict, acc, time_units: str, on_grid: dict) -> None:
    """The time-aggregated records (output.mean_every_h): means over each averaging interval, with its
    bounds (CF 7.1 and 7.3: cell_methods "mean_time: mean")."""
    interval = acc.mean_interval_s
    ends = (np.arange(acc.n_means) + 1.0) * interval
    coords["mean_time"] = ("mean_time", ends - 0.5 * interval,
                           {"standard_name": "time", "long_name": "middle of the averaging interval",
                            "units": time_units, "calendar": "standard", "bounds": "mean_time_bounds"})
    data_vars["mean_time_bounds"] = (("mean_time", "nv"), np.stack([ends - interval, ends], axis=1),
                                     {"units": time_units, "calendar": "standard"})
    data_vars["ssc_mean"] = (("mean_time", "layer", "y", "x"), rec["ssc_mean"],
                             {**_attrs("ssc_mean"), **on_grid, "cell_methods": "mean_time: mean"})
    data_vars["deposition_rate"] = (("mean_time", "y", "x"), rec["deposition_rate"],
                                    {**_attrs("deposition_rate"), **on_grid, "cell_methods": "mean_time: mean"})
    data_vars["deposit_mass_cumulative"] = (("mean_time", "y", "x"), rec["deposit_mass_cumulative"],
                                            {**_attrs("deposit_mass_cumulative"), **on_grid})
    data_vars["ssc_exceedance_time_cumulative"] = (
        ("mean_time", "ssc_threshold", "layer", "y", "x"), rec["ssc_exceedance_time_cumulative"],
        {**_attrs("ssc_exceedance_time_cumulative"), **on_grid})


@contextmanager
def dask_in_process():
    """Compute dask arrays here, in this thread and in order: a result is read and written one record at
    a time, and a run inside a dask.distributed worker (plume ensemble) does not hand its own file's
    records to the cluster."""
    import dask

    with dask.config.set(scheduler="synchronous"):
        yield


def reopen_written(nc_path: Path, load: bool = True) -> xr.Dataset:
    """A written result as the Dataset a run returns: in memory when it is small and `load`, else read
    lazily (a long run's records are not all loaded at its end)."""
    ds = xr.open_dataset(nc_path, engine="netcdf4", decode_times=False)
    if load and ds.nbytes <= LOAD_WRITTEN_BYTES:
        ds = ds.load()
        ds.close()
    return ds


# a written result up to this size is returned in memory (the default run's is about 0.3 GB)
LOAD_WRITTEN_BYTES = 1 << 30


def _source_variables(sc, proj) -> dict:
    """Where each source is, so that metrics, maps and comparisons need only the result file."""
    geo = source_geometry(sc)
    track_lon, track_lat = proj.to_lonlat(geo.track_x_m, geo.track_y_m)
    variables = {
        "source_name": (("source",), np.array(geo.name, dtype=object), {"long_name": "source name"}),
        "source_kind": (("source",), np.array(geo.kind, dtype=object),
                        {"long_name": "source kind (collector or discharge)"}),
        "source_x": (("source",), geo.x_m, _attrs("source_x")),
        "source_y": (("source",), geo.y_m, _attrs("source_y")),
        "source_start": (("source",), geo.start_s, _attrs("source_start")),
        "source_stop": (("source",), geo.stop_s, _attrs("source_stop")),
        "track_x": (("track_point",), geo.track_x_m, _attrs("track_x")),
        "track_y": (("track_point",), geo.track_y_m, _attrs("track_y")),
        "track_lon": (("track_point",), np.asarray(track_lon, dtype=float), _attrs("track_lon")),
        "track_lat": (("track_point",), np.asarray(track_lat, dtype=float), _attrs("track_lat")),
        "track_source": (("track_point",), geo.track_source,
                         {"long_name": "index (0-based, along dimension source) of the collector driving this "
                                       "track vertex; consecutive vertices of one source form its polyline"}),
    }
    if np.isfinite(geo.nodule_rate_kg_s).any():  # only when some collector gives its nodule rate
        variables["source_nodule_rate"] = (("source",), geo.nodule_rate_kg_s, _attrs("source_nodule_rate"))
    return variables


def _jet_variables(jets) -> dict:
    """The discharge jets' trap (plume.midwater.JetResult) per source; missing (NaN) for the others."""
    if all(jet is None for jet in jets):
        return {}
    fields = {"source_jet_trap_depth": "trap_depth_m", "source_jet_stop_depth": "stop_depth_m",
              "source_jet_layer_thickness": "thickness_m", "source_jet_radius": "radius_m",
              "source_jet_dilution": "dilution"}
    variables = {}
    for name, field in fields.items():
        values = np.array([np.nan if jet is None else float(getattr(jet, field)) for jet in jets])
        attrs = _attrs(name)
        if name.endswith("depth"):
            attrs["positive"] = "down"
        variables[name] = (("source",), values, attrs)
    return variables


def _creation_time() -> datetime:
    """Now, or SOURCE_DATE_EPOCH when set (reproducible-builds convention): then equal runs give equal bytes."""
    epoch = source_date_epoch()
    if epoch is not None:
        return datetime.fromtimestamp(epoch, timezone.utc)
    return datetime.now(timezone.utc).replace(microsecond=0)


def source_date_epoch() -> int | None:
    """SOURCE_DATE_EPOCH as seconds since 1970, None when unset; a malformed value is refused (the
    reproducible-builds specification asks for an error, and matplotlib would fail on it later)."""
    text = os.environ.get("SOURCE_DATE_EPOCH")
    if text is None:
        return None
    if not text.strip().isdigit() or int(text) > 253402300799:  # up to the year 9999
        raise PlumeError(f"SOURCE_DATE_EPOCH: {text!r} is not a whole number of seconds since 1970-01-01 "
                         "(unset it or give e.g. 1767225600)")
    return int(text)


def _global_attributes(sc, lon, lat, output_s, simulation) -> dict:
    now = _creation_time().isoformat()
    start = sc.time.start.astimezone(timezone.utc)
    end = start + np.timedelta64(int(round(output_s[-1])), "s").astype(object)
    return {
        "Conventions": "CF-1.10, ACDD-1.3",
        "title": sc.display_title,
        "summary": "Sediment plume from deep-sea mining: suspended sediment concentration, seabed deposition "
                   "and mass budget from the plume Lagrangian particle model.",
        "source": f"plume {__version__} Lagrangian advection-diffusion particle model",
        "history": f"{now} plume run {sc.name}",
        "date_created": now,
        "product_version": __version__,
        "plume_version": __version__,
        "keywords": "sediment plume, deep-sea mining, Clarion-Clipperton Zone, suspended sediment, deposition",
        "geospatial_lat_min": float(np.min(lat)),
        "geospatial_lat_max": float(np.max(lat)),
        "geospatial_lon_min": float(np.min(lon)),
        "geospatial_lon_max": float(np.max(lon)),
        "geospatial_lat_units": "degrees_north",
        "geospatial_lon_units": "degrees_east",
        "time_coverage_start": start.isoformat(),
        "time_coverage_end": end.isoformat(),
        "site_lon": float(sc.site.lon),
        "site_lat": float(sc.site.lat),
        "particles_released": int(simulation.particles_released),
        "particle_seed": int(sc.particles.seed),
        "particle_groups": int(sc.particles.groups),
        "scenario": sc.source_text,
    }


def _encoding(ds: xr.Dataset) -> dict:
    """Compress the big fields, those streamed from the records one record per chunk; no _FillValue on
    coordinates, bounds or integers (CF 2.5.1, 7.1)."""
    bounds = {v.attrs.get("bounds") for v in ds.variables.values()} - {None}
    encoding = {}
    for name, v in ds.variables.items():
        # level 1 with the byte shuffle: the default run's result written in 2.1 s instead of 4.2 (level 4),
        # 24 MiB instead of 23
        enc = {"zlib": True, "complevel": 1, "shuffle": True} if name in ds.data_vars and v.ndim >= 2 else {}
        if name in ds.coords or name in bounds or v.dtype.kind in "iuOU":
            enc["_FillValue"] = None
        if v.dtype.kind in "OU" and all(isinstance(s, str) for s in np.ravel(v.values)):
            # text as a character array (CF 2.2), not a variable-length string: HDF5 2.2 segfaults
            # reading a vlen string's fill value when the file is open twice in one process and one
            # handle has been closed (seen with plume map on a result still open in the caller)
            enc.update(dtype="S1", char_dim_name=f"{name}_strlen")
        if name in ds.data_vars and v.chunks is not None:
            # read lazily from the run's records: one record per HDF5 chunk, as they are read and written.
            # With the library's default chunks (30 records of part of the grid), every record written
            # decompressed and recompressed the chunks it shares with others; a year's daily records took
            # over 10 minutes to write instead of seconds
            enc["chunksizes"] = (1, *v.shape[1:])
        encoding[name] = enc
    return encoding


def _make_folder(path: Path) -> None:
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as err:
        raise PlumeError(f"output.directory: cannot create {path.parent}: {err.strerror or err}") from None


def _user_mode() -> int:
    """rw for whoever the umask lets read and write (0644 with umask 022): mkstemp alone gives 0600,
    which would hide results from colleagues on a shared server."""
    mask = os.umask(0o022)
    os.umask(mask)
    return 0o666 & ~mask


@contextmanager
def written_atomically(path: Path, suffix: str = ".tmp"):
    """Yield a temporary path beside `path` to write to; renamed to `path` when the block succeeds and
    removed when it fails, so no half file ever has the real name and an earlier good file survives.
    The file gets the user's umask, not mkstemp's 0600."""
    path = Path(path)
    _make_folder(path)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=suffix, dir=path.parent)
    os.close(fd)
    try:
        yield tmp
        os.chmod(tmp, _user_mode())  # after writing: a writer may recreate the file
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def write_dataset(ds: xr.Dataset, path: Path, encoding: dict | None = None) -> None:
    """Write a Dataset as NetCDF-4, atomically."""
    enc = _encoding(ds)
    for name, extra in (encoding or {}).items():
        enc[name] = {**enc.get(name, {}), **extra}
    from .signals import interrupts_deferred

    # variables read lazily from the run's records are written after the rest, one variable at a time:
    # dask then writes their records in record order, so equal data give equal bytes
    lazy = [name for name, v in ds.data_vars.items() if v.chunks is not None]
    with written_atomically(path) as tmp, interrupts_deferred(), dask_in_process():
        # an interrupt inside to_netcdf can land while xarray holds its file lock and the close then
        # waits on that same lock for ever: the write (seconds) finishes first, then the interrupt acts
        ds.drop_vars(lazy).to_netcdf(tmp, engine="netcdf4", encoding={k: v for k, v in enc.items() if k not in lazy})
        for name in lazy:
            xr.Dataset({name: ds[name].variable}).to_netcdf(tmp, mode="a", engine="netcdf4",
                                                            encoding={name: enc[name]})


def write_text(path: Path, text: str) -> None:
    """Write a text file (UTF-8), atomically."""
    with written_atomically(path) as tmp:
        with open(tmp, "w", encoding="utf-8", newline="") as f:
            f.write(text)


def metrics_paths(nc_path: Path) -> tuple[Path, Path]:
    """`<name>_metrics.csv` and `<name>_metrics.json` beside `<name>.nc`."""
    nc_path = Path(nc_path)
    stem = nc_path.with_suffix("")
    return stem.with_name(f"{stem.name}_metrics.csv"), stem.with_name(f"{stem.name}_metrics.json")


def write_metrics(ds: xr.Dataset, nc_path: Path, name: str | None = None, metrics=None) -> tuple[Path, Path]:
    """The metrics summary as CSV (name, value, uncertainty, units, description) and JSON, beside the
    NetCDF. The uncertainty is the metric's standard error from the particle noise (empty / null where
    none is known: plume.analysis.uncertainty). `metrics`: the final metrics when computed already
    (plume.analysis.metric_rows)."""
    import csv
    import io
    import json

    from .analysis import metric_rows

    with dask_in_process():  # a lazily read dataset is read here, also inside a dask.distributed worker
        rows = metric_rows(ds, metrics=metrics)
    csv_path, json_path = metrics_paths(nc_path)
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(["name", "value", "uncertainty", "units", "description"])
    for row in rows:
        se = repr(row.uncertainty) if np.isfinite(row.uncertainty) else ""
        writer.writerow([row.name, repr(row.value), se, row.units, row.description])
    value = (lambda v: v if np.isfinite(v) else None)  # JSON has no NaN: a metric never reached is null
    document = {
        "scenario": name or Path(nc_path).stem,
        "title": ds.attrs.get("title", ""),
        "plume_version": __version__,
        "metrics": {row.name: value(row.value) for row in rows},
        "uncertainties": {row.name: value(row.uncertainty) for row in rows},
        "units": {row.name: row.units for row in rows},
        "descriptions": {row.name: row.description for row in rows},
    }
    write_text(csv_path, buffer.getvalue())
    write_text(json_path, json.dumps(document, indent=2) + "\n")
    return csv_path, json_path


def result_files(nc_path: Path) -> list[str]:
    """The file names of one result set: `<name>.nc`, its metrics (CSV, JSON) and trajectories."""
    from .trajectories import trajectory_path

    nc_path = Path(nc_path)
    return [nc_path.name, *(p.name for p in metrics_paths(nc_path)), trajectory_path(nc_path).name]


def maps_folder_name(nc_path: Path) -> str:
    """The maps of a run go into `<name>_maps/` beside `<name>.nc`."""
    return f"{Path(nc_path).stem}_maps"
