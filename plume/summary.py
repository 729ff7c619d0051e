"""The one-screen summary printed at the end of `plume run`."""
from __future__ import annotations

import numpy as np


def _share(part: float, whole: float) -> str:
    return f"{100.0 * part / whole:5.1f} %" if whole > 0 else "   - %"


def speed_line(sim, wall_time_s: float) -> str:
    """Particles, steps, threads and wall time, and a speed that is what it says: the particle-steps
    actually taken (a particle counts at each step between its release and its deposition or exit,
    not particles x steps) per second of the whole run's wall time (setup and output included)."""
    import numba

    taken = sim.particle_steps - getattr(sim, "particle_steps_at_start", 0)  # this process's part of a resumed run
    rate = taken / wall_time_s if wall_time_s > 0 else float("nan")
    return (f"  {sim.particles_released} particles, {sim.n_steps} steps, {numba.get_num_threads()} threads, "
            f"{wall_time_s:.1f} s wall: {taken:.3g} particle-steps taken (particles in the "
            f"water at each step), {rate:.3g} per wall second")


def jet_lines(scenario, jets) -> list[str]:
    """Where each discharge's buoyant jet traps: what the far field starts from."""
    lines = []
    for source, jet in zip(scenario.sources, jets):
        if jet is None:
            continue
        how = "neutral level" if jet.found_neutral_level else "momentum spent (no neutral level)"
        if jet.reached_bed:
            how = "reached the bed: spreads as a layer on it"
        lines.append(f"  jet '{source.name}': traps at {jet.trap_depth_m:.0f} m ({how}), stops at "
                     f"{jet.stop_depth_m:.0f} m, layer {jet.thickness_m:.0f} m thick, radius {jet.radius_m:.1f} m, "
                     f"dilution {jet.dilution:.3g}")
    return lines


def source_lines(ds) -> list[str]:
    """Each source's budget at the end, when there is more than one."""
    if "mass_released_by_source" not in ds.variables or ds.sizes.get("source", 0) < 2:
        return []
    lines = []
    names = [str(v) for v in ds["source_name"].values] if "source_name" in ds.variables else None
    for s in range(ds.sizes["source"]):
        values = {q: float(ds[f"mass_{q}_by_source"].transpose("time", "source").values[-1, s])
                  for q in ("released", "suspended", "deposited", "exited")}
        name = names[s] if names else str(s)
        lines.append(f"  source '{name}': released {values['released']:.4g} kg; "
                     + ", ".join(f"{q} {_share(values[q], values['released']).strip()}"
                                 for q in ("suspended", "deposited", "exited")))
    return lines


def _se(ds, name: str, k: int) -> float:
    var = f"{name}_uncertainty"
    return float(ds[var].values[k]) if var in ds.variables else float("nan")


def _km2(area_m2: float, se_m2: float) -> str:
    """``2.4 ± 0.1 km2``: an area with its standard error from the particle noise (when known)."""
    if not np.isfinite(se_m2):
        return f"{area_m2 / 1e6:.4g} km2"
    return f"{area_m2 / 1e6:.4g} ± {se_m2 / 1e6:.2g} km2"


def summary_lines(result) -> list[str]:
    ds = result.dataset
    sim = result.simulation
    released = float(ds.mass_released[-1])
    lines = [f"plume run '{result.scenario.name}': {result.scenario.display_title}"]
    if getattr(sim, "resumed_at_step", 0):
        lines.append(f"  resumed from its checkpoint at step {sim.resumed_at_step} "
                     f"({sim.resumed_at_step * sim.dt_s / 3600.0:g} h into the run)")
    for name in ("released", "suspended", "deposited", "exited"):
        value = float(ds[f"mass_{name}"][-1])
        lines.append(f"  mass {name:<10} {value:14.6g} kg  {_share(value, released)}")
    lines += source_lines(ds)
    lines += jet_lines(result.scenario, getattr(sim, "jets", ()))
    thickness = ds.deposit_thickness[-1].values
    if thickness.size and np.nanmax(thickness) > 0:
        j, i = np.unravel_index(np.nanargmax(thickness), thickness.shape)
        lines.append(
            f"  largest deposit  {1000.0 * thickness[j, i]:14.4g} mm at x = {float(ds.x[i]):.0f} m, "
            f"y = {float(ds.y[j]):.0f} m (lon {float(ds.lon[j, i]):.4f}, lat {float(ds.lat[j, i]):.4f})"
        )
    else:
        lines.append("  largest deposit               0 mm")
    reach = ds["deposit_max_distance"].values if "deposit_max_distance" in ds.variables else None
    for k, threshold in enumerate(ds.deposit_threshold.values):
        area = _km2(float(ds.deposit_area[-1, k]), _se(ds, "deposit_area", k))
        far = "" if reach is None or not np.isfinite(reach[k]) else f", up to {reach[k]:.0f} m from the track"
        lines.append(f"  area >= {1000.0 * threshold:g} mm deposit: {area}{far}")
    if "ssc_area" in ds.variables:
        for k, threshold in enumerate(ds.ssc_threshold.values):
            area = _km2(float(ds.ssc_area[k]), _se(ds, "ssc_area", k))
            lines.append(f"  area >= {1000.0 * threshold:g} mg/L near-bed SSC (at some model step): {area}")
    if "deposited_fraction_within" in ds.variables:
        shares = ", ".join(f"{100.0 * float(f):.1f} % within {float(d):g} m"
                           for d, f in zip(ds.distance_limit.values, ds.deposited_fraction_within.values))
        lines.append(f"  deposited: {shares} of the track")
    exited = float(ds.mass_exited[-1])
    if released > 0 and exited > 0.01 * released:
        lines.append(f"  warning: {100.0 * exited / released:.1f} % of the released mass left the grid; the maps and "
                     "areas are clipped at its edge: enlarge grid.extent_m (down-current) or shorten the run")
    for warning in sim.resolution_warnings() if hasattr(sim, "resolution_warnings") else []:
        lines.append(f"  warning: {warning}")
    lines.append(speed_line(sim, result.wall_time_s))
    if result.path is not None:
        from .output import metrics_paths
        from .trajectories import trajectory_path

        lines.append(f"  output: {result.path}")
        lines.append(f"  metrics: {', '.join(str(p) for p in metrics_paths(result.path))}")
        if getattr(sim, "trajectories", None) is not None:
            lines.append(f"  trajectories: {trajectory_path(result.path)}")
    return lines
