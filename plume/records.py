"""The run's gridded output records, written to disk as they are made.

A run makes one record of every gridded field at each output time (SSC snapshots, the deposit, the
bed shear stress, ...) and, with output.mean_every_h, one record of the time-aggregated fields at the
end of each averaging interval. Holding them all in memory made memory grow with the run's length
(a 30-day run on the default grid held 721 hourly records), so each record goes into a NetCDF-4 file
with unlimited time dimensions the moment it is made, and memory holds one record at a time.

This file is the run's scratch, not its result: at the end plume.output reads it back lazily (dask,
one record per chunk) to write the CF result file with its attributes and metrics, and removes it.
It sits beside the result as ``<name>.records`` while the run checkpoints (the checkpoint names how
many records it holds, and a resumed run writes on from there: plume.checkpoint), and under a unique
hidden name otherwise, removed when the run ends or fails.
"""
from __future__ import annotations

import os
import tempfile
import weakref
from pathlib import Path

import netCDF4
import numpy as np
from xarray.backends.netCDF4_ import NETCDF4_PYTHON_LOCK

from .errors import OutputError

# The netCDF-C and HDF5 libraries are not thread-safe, and netCDF4-python releases the GIL inside them:
# every call on these handles holds the lock xarray holds for its own netCDF4 files, so a read of the
# records in a dask thread (a map drawn from the lazily read result) never runs beside another file's
# open or close in another thread. Unlocked, such overlaps corrupted HDF5's state and crashed a later,
# unrelated open (seen in the test suite as a segfault in xarray.open_dataset).
HDF5 = NETCDF4_PYTHON_LOCK

# the unlimited dimensions: output snapshots, and averaging intervals (output.mean_every_h)
TIME_DIMENSIONS = ("time", "mean_time")


def records_path(nc_path: Path) -> Path:
    """``<name>.records`` beside ``<name>.nc``: the records of a run that checkpoints."""
    return Path(nc_path).with_suffix(".records")


def scratch_records_path(folder: Path | None, stem: str) -> Path:
    """A unique hidden path for the records of a run that does not checkpoint (in the system's temporary
    folder when the run writes no result)."""
    if folder is not None:
        Path(folder).mkdir(parents=True, exist_ok=True)
    fd, name = tempfile.mkstemp(prefix=f".{stem}.", suffix=".records", dir=folder)
    os.close(fd)
    return Path(name)


class RecordFile:
    """A NetCDF-4 file of float32 records along the unlimited dimensions of TIME_DIMENSIONS.

    `dimensions`: name -> size of the fixed dimensions; `variables`: name -> dimensions (the first one
    of TIME_DIMENSIONS). With `resume`, the file must exist and is written on from where the caller
    says (a record written after the checkpoint is simply written again, with the same values)."""

    def __init__(self, path: Path, dimensions: dict, variables: dict, resume: bool = False,
                 scratch: bool = False):
        self.path = Path(path)
        self.variables = dict(variables)
        self._nc = None  # the writer; every handle, the readers' too, is in _handles
        # closed under the lock when this object goes (netCDF4's own dealloc would close it unlocked)
        self._handles = []
        weakref.finalize(self, _close_all, self._handles, False)
        if scratch:  # removed at the latest when this object goes or the process ends
            weakref.finalize(self, _unlink, self.path)
        try:
            if resume:
                if not self.path.exists():
                    raise OutputError(f"--resume: the run's records {self.path} are missing beside the "
                                      "checkpoint; delete the checkpoint to start afresh")
                self._nc = self._open("a")
                missing = [v for v in variables if v not in self._nc.variables]
                if missing:
                    self.close()
                    raise OutputError(f"--resume: {self.path} does not hold the records this scenario makes "
                                      f"({missing[0]}); delete it and the checkpoint to start afresh")
                return
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self._nc = self._open("w")
        except OSError as err:
            held = (" (is another plume run of this scenario still running? HDF5 refuses a file that a live "
                    "process holds open)" if resume else "")
            raise OutputError(f"output: cannot write the run's records to {self.path}: "
                              f"{err.strerror or err}{held}") from None
        with HDF5:
            self._define(dimensions)

    def _open(self, mode: str):
        with HDF5:
            handle = netCDF4.Dataset(self.path, mode, format="NETCDF4")
        self._handles.append(handle)
        return handle

    def _define(self, dimensions: dict) -> None:
        nc = self._nc
        for name in TIME_DIMENSIONS:
            nc.createDimension(name, None)
        for name, size in dimensions.items():
            nc.createDimension(name, size)
        for name, dims in self.variables.items():
            chunks = [1] + [dimensions[d] for d in dims[1:]]  # one record per chunk: written and read whole
            # light compression: most of a plume's grid is zero, and level 1 costs little time
            nc.createVariable(name, "f4", dims, zlib=True, complevel=1, chunksizes=chunks, fill_value=False)

    def write(self, name: str, index: int, values) -> None:
        values = np.asarray(values, dtype=np.float32)
        with HDF5:
            self._nc.variables[name][index] = values

    def sync(self) -> None:
        """Flush to disk (before a checkpoint names this file's records as written)."""
        with HDF5:
            self._nc.sync()

    def close(self) -> None:
        """Close the file, for writing and for reading (open_lazily)."""
        _close_all(self._handles)
        self._nc = None

    def open_lazily(self) -> dict:
        """name -> the variable's records as a dask array, one record per chunk (closes the writer;
        close() closes the reader).

        The arrays have fixed names, so the order in which dask computes their chunks, and with it the
        layout of the result file written from them, does not depend on where this file lies (a resumed
        run writes the same bytes as an uninterrupted one)."""
        import dask.array as da

        self.close()
        reader = self._open("r")  # closed by close(), with the other handles
        arrays = {}
        for name in self.variables:
            variable = reader.variables[name]
            variable.set_auto_maskandscale(False)
            # one lock for every variable, and the one xarray's reads and writes hold
            arrays[name] = da.from_array(variable, chunks=(1, *variable.shape[1:]), name=f"plume-records-{name}",
                                         lock=HDF5)
        return arrays

    def remove(self) -> None:
        self.close()
        self.path.unlink(missing_ok=True)

    def __getstate__(self):
        raise TypeError("a RecordFile is not pickled: a checkpoint names the file instead")


def _close_all(handles: list, blocking: bool = True) -> None:
    """Close the handles under the lock. Without `blocking` (a finalizer, which the garbage collector may
    run in a thread that holds the lock already) handles that cannot be closed now are kept open until
    the process ends, rather than left to netCDF4's unlocked close."""
    if not HDF5.acquire(blocking):
        _kept_open.extend(handles)
        handles.clear()
        return
    try:
        while handles:
            handle = handles.pop()
            if handle.isopen():
                handle.close()
    finally:
        HDF5.release()


_kept_open: list = []


def _unlink(path: Path) -> None:
    try:
        path.unlink(missing_ok=True)
    except OSError:
        pass
