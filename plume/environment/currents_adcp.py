"""Currents from a single moored ADCP: u, v (time, height above bed), applied uniformly in the horizontal.

The profile time series becomes a CurrentGrid of one horizontal node (the
kernels clamp x and y to it, so the current is the same everywhere in the
domain) whose levels are heights above the LOCAL seabed
(``z_is_height_above_bed``): a particle h metres above a hill sees the ADCP
value at h. Below the lowest bin and above the highest the kernels clamp
(constant value); there is no logarithmic bottom layer and no vertical velocity.
NaN bins are filled from the nearest valid bin of the same profile.
"""
from __future__ import annotations

from datetime import datetime, timedelta

import numpy as np

from plume.environment.currents_file import velocity_variable
from plume.environment.fields import CurrentGrid
from plume.environment.netcdf import (
    READ_ERRORS, ascending_levels, fail, iso_time, open_netcdf, time_dimension, time_window, to_m_s, utc64,
)

K = "currents"
_NAMES = {"u": ("u", "east", "uo"), "v": ("v", "north", "vo")}
_HEIGHT_NAMES = ("height_above_bed", "height", "hab")
_HEIGHT_STD = "height_above_sea_floor"
_MAX_SPEED_M_S = 10.0


def _is_height(ds, d) -> bool:
    if d not in ds.variables:
        return False
    a = ds[d].attrs
    if str(d).lower() in _HEIGHT_NAMES or str(a.get("standard_name", "")).lower() == _HEIGHT_STD:
        return True
    units = str(a.get("units", "")).strip().lower()
    return units in ("m", "meter", "meters", "metre", "metres") and str(a.get("positive", "")).lower() == "up"


def _fill_profiles(path, a, name, z, times):
    """Fill NaN bins of each profile (rows of `a`, axis 1 over z) from the nearest valid bin."""
    for t in range(a.shape[0]):
        valid = ~np.isnan(a[t])
        if not valid.any():
            fail(K, path, f"'{name}' has no valid bin in the profile at {iso_time(times[t])}; every "
                 "profile inside the run needs at least one valid bin")
        if not valid.all():
            zv = z[valid]
            nearest = np.abs(z[~valid][:, None] - zv[None, :]).argmin(axis=1)
            a[t, ~valid] = a[t, valid][nearest]
    if np.abs(a).max() > _MAX_SPEED_M_S:
        fail(K, path, f"'{name}' reaches {float(np.abs(a).max()):g} m/s in the window; "
             f"expected currents below {_MAX_SPEED_M_S:g} m/s (an unflagged fill value?)")
    return a


def currents_from_adcp(path, start: datetime, duration_s: float, variables: dict | None = None) -> CurrentGrid:
    """The ADCP profile time series over the run as a one-node CurrentGrid of heights above the bed."""
    t_start = utc64(start)
    t_end = utc64(start + timedelta(seconds=float(duration_s)))
    ds = open_netcdf(K, path, decode_times=False)
    try:
        with ds:
            names = {k: velocity_variable(path, ds, k, variables, common_names=_NAMES) for k in ("u", "v")}
            u = ds[names["u"]]
            if dict(ds[names["v"]].sizes) != dict(u.sizes):
                fail(K, path, f"v '{names['v']}' has dimensions {dict(ds[names['v']].sizes)} "
                     f"but u '{names['u']}' has {dict(u.sizes)}; expected the same (time, height)")
            tdim = time_dimension(ds, list(u.dims))
            if tdim is None:
                fail(K, path, f"'{names['u']}' has dimensions {u.dims} but no time dimension; "
                     "expected a time axis with CF units covering the run")
            zdim, squeeze = None, {}
            for d in u.dims:
                if d == tdim:
                    continue
                if zdim is None and _is_height(ds, d):
                    zdim = d
                elif u.sizes[d] == 1:
                    squeeze[d] = 0
                else:
                    fail(K, path, f"'{names['u']}' has an unexpected dimension '{d}' of length "
                         f"{u.sizes[d]}; expected time and height above bed (named "
                         f"{'/'.join(_HEIGHT_NAMES)}, standard_name {_HEIGHT_STD}, or units m "
                         "with positive: up)")
            if zdim is None:
                fail(K, path, f"'{names['u']}' has dimensions {u.dims} but no height-above-bed "
                     f"dimension (named {'/'.join(_HEIGHT_NAMES)}, standard_name {_HEIGHT_STD}, "
                     "or units m with positive: up)")

            times, i0, i1 = time_window(K, path, ds, tdim, t_start, t_end, "profiles")

            arrays = {}
            for k, name in names.items():
                var = ds[name].isel(squeeze).transpose(tdim, zdim)
                a = np.asarray(var.isel({tdim: slice(i0, i1 + 1)}).values, dtype=np.float64)
                arrays[k] = to_m_s(K, path, name, var.attrs.get("units"), a)
            z = np.asarray(ds[zdim].values, dtype=np.float64)
    except READ_ERRORS as e:
        fail(K, path, f"could not be read ({type(e).__name__}: {str(e).splitlines()[0][:200]})")

    if not np.all(np.isfinite(z)):
        fail(K, path, f"height coordinate '{zdim}' has missing values; expected finite heights above bed")
    z, arrays = ascending_levels(K, path, f"height coordinate '{zdim}'", z, arrays, "distinct bins in order")
    if z[0] < 0:
        fail(K, path, f"height coordinate '{zdim}' goes down to {float(z[0]):g} m; expected heights "
             "above the bed (>= 0)")
    window = times[i0:i1 + 1]
    out = {k: np.ascontiguousarray(_fill_profiles(path, np.array(a), names[k], z, window)[:, :, None, None],
                                   dtype=np.float32) for k, a in arrays.items()}
    time_s = (window - t_start).astype("timedelta64[ns]").astype(np.int64) / 1e9
    return CurrentGrid(
        time_s=np.ascontiguousarray(time_s, dtype=np.float64),
        x0_m=0.0, dx_m=1.0, y0_m=0.0, dy_m=1.0,
        z_m=np.ascontiguousarray(z, dtype=np.float64),
        u_m_s=out["u"], v_m_s=out["v"], w_m_s=np.zeros_like(out["u"]),
        bottom_roughness_m=0.0, log_layer_height_m=0.0, has_vertical_velocity=False,
        z_is_height_above_bed=True,
    )
