"""numba's cache of plume's kernels keyed on every kernel source (plume.kernels.cache): a change to an
inlined helper in another file recompiles the kernel that inlines it, instead of loading the old one."""
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

from numba import njit

import plume.kernels.step
from plume.kernels import cache

REPO = Path(__file__).resolve().parents[1]


def test_the_stamp_changes_with_any_kernel_or_process_source_and_with_nothing_else(tmp_path):
    for folder in ("kernels", "processes", "analysis"):
        (tmp_path / folder).mkdir()
        (tmp_path / folder / "a.py").write_text("X = 1\n")
    stamp = cache.kernel_sources_stamp.__wrapped__
    first = stamp(tmp_path)
    (tmp_path / "analysis" / "a.py").write_text("X = 2\n")
    assert stamp(tmp_path) == first
    (tmp_path / "processes" / "a.py").write_text("X = 2\n")
    second = stamp(tmp_path)
    assert second != first
    (tmp_path / "kernels" / "b.py").write_text("")  # a new kernel file
    assert stamp(tmp_path) != second


def test_plume_kernels_carry_the_stamp_and_other_functions_keep_numbas_own():
    locator = plume.kernels.step.step_particles._cache._impl.locator
    assert locator.get_source_stamp()[1] == cache.kernel_sources_stamp()
    assert locator.get_cache_path() == str(REPO / "plume" / "kernels" / "__pycache__")

    @njit(cache=True)
    def elsewhere(x):
        return x

    assert not isinstance(elsewhere._cache._impl.locator, cache._StampedLocator)


PROBE = """
from numba import njit
from .zz_helper import value

@njit(cache=True)
def probe():
    return value()
"""


def _probe(package_root: Path) -> str:
    run = subprocess.run([sys.executable, "-c", "from plume.kernels.zz_probe import probe; print(probe())"],
                         cwd=package_root, capture_output=True, text=True, timeout=300)
    assert run.returncode == 0, run.stderr
    return run.stdout.strip()


def test_a_changed_inlined_helper_in_another_file_is_recompiled_not_loaded_stale(tmp_path):
    # a copy of the package (its own caches), with a kernel that inlines a helper from another kernel file;
    # numba's per-file stamp alone would load the first compilation after the helper changed
    shutil.copytree(REPO / "plume", tmp_path / "plume", ignore=shutil.ignore_patterns("__pycache__"))
    kernels = tmp_path / "plume" / "kernels"
    (kernels / "zz_probe.py").write_text(textwrap.dedent(PROBE))
    helper = 'from numba import njit\n\n@njit(cache=True, inline="always")\ndef value():\n    return {}\n'
    (kernels / "zz_helper.py").write_text(helper.format(1))
    assert _probe(tmp_path) == "1"
    assert list((kernels / "__pycache__").glob("zz_probe.probe-*.nbc"))  # compiled and cached
    (kernels / "zz_helper.py").write_text(helper.format(2))
    assert _probe(tmp_path) == "2"
