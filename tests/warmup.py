"""Fill numba's on-disk cache with the particle step of every process set the tests switch on, before
parallel test workers start (tests/conftest.py runs it when pytest-xdist is on).

The fused step (plume/kernels/step.py) is compiled once per set of optional processes a scenario
switches on: 60-100 s of one core each on an empty cache. Without this, two workers that reach tests of
the same set at once both compile it, and a worker idles while the other compiles what it waits for.
Here each set is compiled once, the sets side by side (one process each, as many at once as there are
workers); the workers then load them from the cache in a second or two. The sets are those of the
tests: the small test scenario (no optional process), the shipped default scenario's (density
damping), hindered settling alone, and flocculation with delayed sinking (the tests that need one of
those switch on both: helpers.never_sinks). A set missing here is still compiled by the first test
that needs it; a failure here only costs that time (the tests report any real fault).

Run by hand: ``python tests/warmup.py [set ...]`` (all sets without arguments).
"""
from __future__ import annotations

import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

HERE = Path(__file__).resolve().parent

# name: scenario changes merged into the small test scenario (helpers.BASE); each compiles one step set
SETS = {
    "base": {},
    "density_damping": {"turbulence": {"density_damping": {"law": "munk_anderson"}}},
    "hindered_settling": {"sediment": {"hindered_settling": {}}},
    "flocculation_delayed_sinking": {"sediment": {
        "classes": [{"name": "fine", "mass_fraction": 1.0, "settling_m_s": 0.0},
                    {"name": "floc", "mass_fraction": 0.0, "settling_m_s": 1e-3}],
        "flocculation": [{"from": "fine", "to": "floc", "rate_per_h": 0.0}],
        "delayed_sinking": [{"class": "fine", "after_h": 1000, "speed_m_s": 1e-3}]}},
}
# the slowest first: the density-damping set also compiles the bed-stress field kernel
ORDER = ("density_damping", "base", "flocculation_delayed_sinking", "hindered_settling")


def compile_set(name: str) -> None:
    """Run the small scenario with set `name` for two steps and one output (compiles or loads every
    kernel a run of that set calls), in this process."""
    import tempfile

    import helpers
    from plume.solver import run

    with tempfile.TemporaryDirectory() as tmp:
        changes = helpers.merge({"time": {"duration_h": 2 / 60, "step_s": 60, "output_every_s": 120},
                                 "particles": {"count": 50, "seed": 1}}, SETS[name])
        run(helpers.make_scenario(tmp, **changes), write=False)


def warm(processes: int, names=ORDER) -> list[str]:
    """Compile the sets `names`, `processes` at a time, each in a fresh process; returns one line per
    set (its name, seconds, and the error if it failed)."""
    def one(name):
        started = time.perf_counter()
        done = subprocess.run([sys.executable, str(Path(__file__)), name], cwd=HERE.parent,
                              capture_output=True, text=True)
        seconds = time.perf_counter() - started
        if done.returncode != 0:
            last = (done.stderr.strip().splitlines() or ["no message"])[-1]
            return f"{name}: failed after {seconds:.0f} s ({last})"
        return f"{name}: {seconds:.0f} s"

    with ThreadPoolExecutor(max(1, processes)) as pool:
        return list(pool.map(one, names))


if __name__ == "__main__":
    sys.path.insert(0, str(HERE))
    for set_name in sys.argv[1:] or ORDER:
        compile_set(set_name)
