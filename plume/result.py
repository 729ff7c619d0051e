"""Opening a result file: the one reader that `plume.open_result`, the maps and `plume compare` share.

A result is the CF-NetCDF file of one run (docs/outputs.md). Anything that is not one (a missing
file, a folder, a device, another kind of file, a file missing plume's variables, damaged data
bytes) is one PlumeError line naming the file.
"""
from __future__ import annotations

from pathlib import Path

from .errors import PlumeError

REQUIRED = ("x", "y", "time", "layer", "depth", "ssc", "ssc_max", "deposit_thickness", "deposit_area",
            "mass_released", "mass_suspended", "mass_deposited", "mass_exited",
            "deposit_threshold", "ssc_threshold")


def check_result(ds, what: str = "dataset") -> None:
    missing = [name for name in REQUIRED if name not in ds.variables]
    if missing:
        raise PlumeError(f"{what}: not a plume result file (missing {', '.join(missing[:4])}"
                         f"{', ...' if len(missing) > 4 else ''})")


def open_result(path, *, decode_times: bool = True, load: bool = False, with_metrics: bool = True,
                require: bool = False):
    """Open and check a run's result file as an xarray Dataset.

    `require` refuses a file without every variable the figures need (REQUIRED); `load` reads every
    value now (damaged data bytes then fail here, as one line, not halfway through a figure);
    `with_metrics` computes the impact metrics of files written before they
    existed (the distance metrics need the source geometry and are NaN without it).
    """
    import xarray as xr

    from .signals import interrupts_deferred

    path = Path(path)
    if not path.exists():
        raise PlumeError(f"{path}: no such file")
    if path.is_dir():
        raise PlumeError(f"{path}: is a folder, not a result file (give a run's .nc file)")
    if not path.is_file():
        raise PlumeError(f"{path}: is not a regular file (a device or a pipe?); give a .nc result file")
    try:
        with interrupts_deferred():  # an interrupt inside xarray's file lock would hang the close
            ds = xr.open_dataset(path, decode_times=decode_times)
    except Exception as err:  # netCDF4/h5py/xarray each raise their own types for a non-NetCDF file
        raise PlumeError(f"{path}: not a NetCDF file plume can read ({type(err).__name__})") from None
    if require:
        check_result(ds, str(path))
    if load:
        try:
            with interrupts_deferred():
                ds = ds.load()
        except Exception as err:
            reason = (str(err).strip().splitlines() or [type(err).__name__])[0][:100]
            raise PlumeError(f"{path}: its data cannot be read (a damaged file? {reason})") from None
    if with_metrics and "ssc_exposure" not in ds.variables and "ssc" in ds.variables:
        from .analysis import add_metrics

        ds = add_metrics(ds)
    return ds
