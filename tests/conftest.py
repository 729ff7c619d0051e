"""Shared fixtures: the small test scenario (tests/helpers.py builds it) and the closed column.

Tests that compile the particle step or run long carry the ``slow`` marker (registered in
pyproject.toml); they run by default, and ``pytest -m "not slow"`` leaves them out.
"""
from __future__ import annotations

import os

import pytest

import helpers
import warmup


def pytest_xdist_auto_num_workers(config):
    """-n auto: the cores this process may use (its CPU affinity, as plume.threads counts them), not
    psutil's count of the host's physical cores, which pytest-xdist uses when psutil is installed."""
    from plume.threads import cores_available

    return cores_available()


def _parallel_workers(config) -> int:
    """The number of pytest-xdist workers this session starts (0: none, or this is a worker)."""
    if hasattr(config, "workerinput"):
        return 0
    n = getattr(config.option, "numprocesses", None)
    return n if isinstance(n, int) and getattr(config.option, "dist", "no") != "no" else 0


def _whole_suite(config) -> bool:
    """Whether this is the whole suite (no paths, no -k or -m), the run that needs every process set."""
    return (config.args_source == pytest.Config.ArgsSource.TESTPATHS and not config.option.keyword
            and not config.option.markexpr)


def pytest_sessionstart(session):
    """With parallel workers (pyproject's addopts: -n auto) on the whole suite, compile the particle step of
    every process set the tests use before they start, the sets side by side (tests/warmup.py says why)."""
    workers = _parallel_workers(session.config)
    if workers and _whole_suite(session.config):
        reporter = session.config.pluginmanager.get_plugin("terminalreporter")
        if reporter is not None:  # the first run on an empty cache waits minutes here: say why
            reporter.write_line(f"filling numba's cache: the particle step of {len(warmup.ORDER)} process sets, "
                                f"{workers} at a time (tests/warmup.py)")
        lines = warmup.warm(workers)
        if reporter is not None:
            reporter.write_line("numba cache filled: " + "; ".join(lines))


def pytest_collection_modifyitems(config, items):
    """Under pytest-xdist (--dist loadfile: a file's tests on one worker, so a module-scoped fixture such
    as a whole run or the validation report is built once): the files with slow tests come first, so the
    minute-long ones do not start last, with the quick ones left to fill the end."""
    if not os.environ.get("PYTEST_XDIST_WORKER"):
        return
    slow_modules = {item.module.__name__ for item in items if item.get_closest_marker("slow")}
    items.sort(key=lambda item: item.module.__name__ not in slow_modules)  # stable: modules stay whole


@pytest.fixture(autouse=True)
def _one_numba_thread_per_worker():
    """Under pytest-xdist each worker's kernels run on one thread: the workers already fill the cores, and
    numba threads of two processes on the same cores wait on each other at every parallel loop
    (plume/threads.py). Tests that pass threads= still get what they ask for."""
    if os.environ.get("PYTEST_XDIST_WORKER"):
        import numba

        numba.set_num_threads(1)
    yield

# a neutral class over a reflecting bed: nothing settles, nothing deposits (closed columns)
NEUTRAL_REFLECTING = {"deposition": {"condition": "reflecting"},
                      "classes": [{"name": "neutral", "mass_fraction": 1.0, "settling_m_s": 0.0}]}


@pytest.fixture
def scenario_data():
    """A fresh copy of the small test scenario as a dict (edit it freely)."""
    return helpers.scenario_dict()


@pytest.fixture
def make(tmp_path):
    """make(**changes): the small test scenario with `changes` deep-merged in, validated in tmp_path."""
    def build(**changes):
        return helpers.make_scenario(tmp_path, **changes)
    return build


@pytest.fixture
def closed_column_data():
    """closed_column_data(depth_m, **changes): a neutral class released 5 m above a reflecting bed in
    a still column of depth_m, as a dict (the turbulence block is the caller's)."""
    def build(depth_m, **changes):
        data = helpers.scenario_dict(
            bathymetry={"flat_depth_m": depth_m},
            sediment=NEUTRAL_REFLECTING,
            sources=[{"kind": "discharge", "name": "p", "position_m": [0, 0], "height_above_bed_m": 5,
                      "mass_kg": 1.0, "start_h": 0}])
        return helpers.merge(data, changes)
    return build
