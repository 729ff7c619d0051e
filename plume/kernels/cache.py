"""numba's cache of plume's kernels, keyed on every kernel source instead of each function's own file.

numba stamps a function's cache with its own source file only (a hash of the file in numba 0.68, its
modification time and size before). The fused step (plume.kernels.step) inlines helpers from a dozen
other files (plume.kernels.interpolate, the process modules in plume.processes), and numba freezes
the constants it imports; so after a change to one of those files alone, numba loads the step
compiled from the old helper, silently. It happened in development (a change to interpolate.py
measured against a step that still ran the old look-ups), and a ``git pull`` into an editable install
would do the same to a user.

``install()`` puts a locator of its own first in numba's list of cache locators. For a function
defined in ``plume/kernels`` or ``plume/processes`` it takes the locator numba would have chosen
(the same cache folder, file names and disambiguator) and adds to its stamp a hash of every ``.py``
file in those two folders (``kernel_sources_stamp``). A change to any kernel or process source then
recompiles every plume kernel once (numba treats the index as stale and overwrites it); nothing else
changes. Functions outside those folders are left to numba's own locators. Where the sources cannot
be read (a zipped install) the locator steps aside and numba's per-file stamp applies, as does
numba's ``NUMBA_CACHE_LOCATOR_CLASSES`` when a user sets it.
"""
from __future__ import annotations

import functools
import hashlib
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[1]
KERNEL_FOLDERS = ("kernels", "processes")


@functools.cache
def kernel_sources_stamp(package: Path = PACKAGE, folders: tuple = KERNEL_FOLDERS) -> str | None:
    """SHA-256 of the names and contents of every .py file in `folders` of `package` (None when they
    cannot be read). Computed once per process (a few ms)."""
    digest = hashlib.sha256()
    try:
        for folder in folders:
            for path in sorted((package / folder).glob("*.py")):
                digest.update(f"{folder}/{path.name}\0".encode())
                digest.update(path.read_bytes())
    except OSError:
        return None
    return digest.hexdigest()


def _is_kernel_source(py_file) -> bool:
    try:
        folder = Path(py_file).resolve().parent
    except (OSError, TypeError, ValueError):
        return False
    return folder.parent == PACKAGE and folder.name in KERNEL_FOLDERS


class _StampedLocator:
    """numba's own locator for the function, with the kernel sources' stamp added to its stamp."""

    def __init__(self, inner, stamp: str):
        self._inner = inner
        self._kernel_sources_stamp = stamp

    def get_source_stamp(self):
        return self._inner.get_source_stamp(), self._kernel_sources_stamp

    def __getattr__(self, name):  # get_cache_path, ensure_cache_path, get_disambiguator, _py_file, ...
        return getattr(self._inner, name)


class KernelSourcesLocator:
    """The entry put first in numba's locator list: the stamped locator for plume's kernel files, None
    (numba's next locator) for any other file."""

    fallbacks: tuple = ()  # numba's own locator classes, in its order

    @classmethod
    def from_function(cls, py_func, py_file):
        if not _is_kernel_source(py_file):
            return None
        stamp = kernel_sources_stamp()
        if stamp is None:
            return None
        for fallback in cls.fallbacks:
            inner = fallback.from_function(py_func, py_file)
            if inner is not None:
                return _StampedLocator(inner, stamp)
        return None


def install() -> bool:
    """Put KernelSourcesLocator first in numba's cache locators (once). Returns whether it is in place:
    False if this numba keeps its locators elsewhere (then numba's per-file stamps apply)."""
    from numba.core import caching

    impl = getattr(caching, "CacheImpl", None) or getattr(caching, "_CacheImpl", None)  # numba >= 0.68, before
    classes = getattr(impl, "_locator_classes", None)
    if not isinstance(classes, list):
        return False
    if KernelSourcesLocator not in classes:
        KernelSourcesLocator.fallbacks = tuple(classes)
        classes.insert(0, KernelSourcesLocator)
    return True


def holds_compiled(dispatcher) -> bool:
    """Whether numba's on-disk cache holds any compiled version of `dispatcher` for its present sources: False
    on a fresh install or after a kernel source changed (its first call compiles), True when it holds one (for
    these argument types or others) or when this numba's cache cannot be read this way."""
    try:
        return bool(dispatcher._cache._cache_file._load_index())
    except Exception:  # noqa: BLE001 (numba's private cache API: where it differs, say nothing is known)
        return True
