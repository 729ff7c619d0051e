"""How many threads a run's numba kernels use when the user does not say (`plume run --threads`).

numba starts one thread per core by default. Two plume processes on the same cores then ask for
twice as many threads as there are cores, and the threads wait on each other at every parallel loop
of every step. That is what an ensemble on one machine does. Measured on a 2-core machine shared
with other work (configs/collectors/narrow_slow.yaml, 60,000 particles, 1,440 steps, two runs,
two trials): one after another with 2 threads each, 76 and 86 s; together with 2 threads each
(numba's default), 98 and 113 s; together with this default (1 thread each), 31 and 54 s.
So the default shares the cores among the plume runs on the machine:

1. ``PLUME_THREADS`` in the environment, if set, is the number;
2. otherwise the cores this process may use (its CPU affinity: taskset, cgroups, batch schedulers),
   no more than ``OMP_NUM_THREADS`` when that is set (dask's nanny sets it to 1 for its workers,
   as schedulers set it for jobs), divided by the number of plume runs now running on the machine
   by this user (each registers itself while it runs), at least 1.

A run started later does not shrink the threads of runs already going; start an ensemble's runs
together (or give --threads) to share the cores evenly.
"""
from __future__ import annotations

import contextlib
import os
import tempfile
import time
from pathlib import Path

ENV = "PLUME_THREADS"
_SETTLE_S = 0.3  # runs started together (a shell loop with &) see each other


def cores_available() -> int:
    """Cores this process may run on: its affinity where the system tells, else the CPU count."""
    try:
        n = len(os.sched_getaffinity(0))
    except (AttributeError, OSError):
        n = os.cpu_count() or 1
    cap = _positive_int(os.environ.get("OMP_NUM_THREADS"))
    return max(1, min(n, cap) if cap else n)


def registry() -> Path:
    """The folder where running plume processes leave one file each, named by their process id."""
    uid = os.getuid() if hasattr(os, "getuid") else "user"
    return Path(tempfile.gettempdir()) / f"plume-runs-{uid}"


def running_runs(folder: Path | None = None) -> int:
    """How many plume runs are registered and alive (stale entries of dead processes are removed)."""
    folder = registry() if folder is None else folder
    alive = 0
    for entry in folder.glob("*") if folder.is_dir() else []:
        pid = _positive_int(entry.name)
        if pid is not None and _alive(pid):
            alive += 1
        else:
            with contextlib.suppress(OSError):
                entry.unlink()
    return alive


def default_threads(folder: Path | None = None) -> int:
    """The number of threads for this run (this process registered or not: it counts at least itself)."""
    given = _positive_int(os.environ.get(ENV))
    if given:
        return given
    runs = max(1, running_runs(folder))
    return max(1, cores_available() // runs)


@contextlib.contextmanager
def registered(folder: Path | None = None, settle_s: float = _SETTLE_S):
    """Register this process as a running plume run for the duration of the block; yields the default
    number of threads, counting the runs registered by then (after ``settle_s``, so that runs started
    together see each other)."""
    folder = registry() if folder is None else folder
    entry = folder / str(os.getpid())
    try:
        folder.mkdir(mode=0o700, parents=True, exist_ok=True)
        entry.touch()
    except OSError:  # no shared temp folder: fall back to this process alone
        entry = None
    try:
        if entry is not None and settle_s > 0:
            time.sleep(settle_s)
        yield default_threads(folder)
    finally:
        if entry is not None:
            with contextlib.suppress(OSError):
                entry.unlink()


def _positive_int(text) -> int | None:
    try:
        value = int(str(text).strip())
    except (TypeError, ValueError):
        return None
    return value if value > 0 else None


def _alive(pid: int) -> bool:
    """Whether a plume process with this id is running (a reused id of another program is not)."""
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # someone else's process with that id: alive
        pass
    except OSError:
        return False
    cmdline = Path(f"/proc/{pid}/cmdline")
    try:
        return b"plume" in cmdline.read_bytes()
    except OSError:  # no /proc (macOS, Windows): trust the id
        return not cmdline.parent.parent.is_dir()
