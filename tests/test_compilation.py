"""A run's first compilation on two cores (plume.compilation, Simulation.compile): the step in the run's
process, the other kernels in a helper process started only when the step is really compiling."""
import time
from pathlib import Path

import numpy as np
import pytest

import plume.solver as solver
from plume import compilation
from plume.solver import Simulation

from helpers import make_scenario


class FakeHelper:
    def __init__(self):
        self.waited = self.killed = False

    def wait(self):
        self.waited = True
        return 0

    def poll(self):
        return 0 if self.waited else None

    def kill(self):
        self.killed = True


def patched(monkeypatch, step, notice_after_s):
    """The step replaced by `step` and the helper by a fake; returns the lists of helpers started and of
    announcements made, which Simulation.compile then fills."""
    started = []
    monkeypatch.setattr(compilation, "compile_beside", lambda scenario: started.append(FakeHelper()) or started[-1])
    monkeypatch.setattr(solver, "COMPILE_NOTICE_AFTER_S", notice_after_s)
    monkeypatch.setattr(solver, "step_particles", step)
    return started, []


def slow_step(*args):
    time.sleep(0.3)


def test_a_slow_step_announces_and_starts_the_helper_and_waits_for_it(monkeypatch, tmp_path):
    started, announced = patched(monkeypatch, slow_step, notice_after_s=0.05)
    Simulation(make_scenario(tmp_path)).compile(announce=lambda: announced.append(True))
    assert announced == [True] and len(started) == 1
    assert started[0].waited and not started[0].killed


def test_a_step_loaded_from_the_cache_starts_nothing(monkeypatch, tmp_path):
    started, announced = patched(monkeypatch, lambda *args: None, notice_after_s=5.0)
    Simulation(make_scenario(tmp_path)).compile(announce=lambda: announced.append(True))
    assert started == [] and announced == []


def test_a_failed_compilation_stops_the_helper(monkeypatch, tmp_path):
    def failing(*args):
        slow_step()
        raise RuntimeError("typing failed")

    started, _ = patched(monkeypatch, failing, notice_after_s=0.05)
    with pytest.raises(RuntimeError, match="typing failed"):
        Simulation(make_scenario(tmp_path)).compile()
    assert len(started) == 1 and started[0].killed and not started[0].waited


def test_the_helper_compiles_the_rest_and_never_calls_the_step(monkeypatch, tmp_path):
    called = []
    real_step = solver.step_particles
    monkeypatch.setattr(compilation, "_no_step", lambda *args: called.append(len(args)))
    compilation.compile_all_but_the_step(make_scenario(tmp_path))
    assert called and solver.step_particles is real_step  # the no-op stood in, and the step is back
    assert not list(tmp_path.rglob("*.nc"))  # nothing written but numba's cache


def test_the_helper_process_runs_on_a_pickled_scenario_and_removes_it(tmp_path, monkeypatch):
    monkeypatch.setattr(compilation, "cores_available", lambda: 1)
    assert compilation.compile_beside(make_scenario(tmp_path)) is None  # one core: nothing to gain
    monkeypatch.setattr(compilation, "cores_available", lambda: 2)  # (test workers run with one thread each)
    process = compilation.compile_beside(make_scenario(tmp_path))
    assert process.wait(timeout=600) == 0
    assert not Path(process.args[-1]).exists()


def test_a_compiled_run_gives_the_same_result(tmp_path):
    a = Simulation(make_scenario(tmp_path))
    a.compile()
    b = Simulation(make_scenario(tmp_path))
    for simulation in (a, b):
        simulation.release_due(0.0)
        simulation.step(0)
    assert np.array_equal(a.particles.x_m, b.particles.x_m) and np.array_equal(a.particles.z_m, b.particles.z_m)


def test_compiling_changes_no_state_of_a_run_under_way(tmp_path):
    """A resumed run compiles after its state is restored: compiling must not step it (a step on no
    particles would still erode the deposit)."""
    rho, cd, speed = 1045.0, 2.5e-3, 0.1
    simulation = Simulation(make_scenario(
        tmp_path, time={"duration_h": 1, "step_s": 60, "output_every_s": 600},
        currents={"synthetic": {"mean_u_m_s": speed}, "bed_stress": {"law": "quadratic", "drag_coefficient": cd}},
        turbulence={"horizontal_m2_s": 0.05, "vertical": {"profile": "constant", "value_m2_s": 1e-3}},
        sediment={"classes": [{"name": "silt", "mass_fraction": 1.0, "settling_m_s": 2e-3}],
                  "resuspension": {"critical_stress_pa": 0.5 * rho * cd * speed**2, "erosion_rate_kg_m2_s": 1e-6}},
        sources=[{"kind": "discharge", "name": "low", "position_m": [0, 0], "height_above_bed_m": 1,
                  "mass_kg": 1.0, "start_h": 0}],
        particles={"count": 500, "seed": 3}))
    for n in range(20):
        simulation.release_due(n * simulation.dt_s)
        simulation.step(n)
    deposit = simulation.deposit
    assert deposit.fluff_kg.sum() > 0  # a deposit that one more step would erode
    p = simulation.particles

    def state():
        """The deposit and the particles in use: released ones and those waiting (the free room between
        them, left by resuspension's reallocation, holds uninitialised memory that no kernel reads)."""
        def in_use(a):
            return np.concatenate([a[:p.n_released], a[p.first_waiting:]])

        return [deposit.fluff_kg.copy(), deposit.consolidated_kg.copy(), deposit.pending_kg.copy(),
                *(in_use(a) for a in (p.x_m, p.y_m, p.z_m, p.mass_kg, p.status, p.class_index))]

    before = state()
    released, steps = p.n_released, simulation.particle_steps
    simulation.compile()
    assert all(np.array_equal(a, b) for a, b in zip(before, state()))
    assert (simulation.particles.n_released, simulation.particle_steps) == (released, steps)
    simulation.close()


def test_a_helper_that_cannot_start_leaves_no_file(tmp_path, monkeypatch):
    import subprocess
    import tempfile

    def no_process(*args, **kwargs):
        raise OSError("no processes left")

    monkeypatch.setattr(compilation, "cores_available", lambda: 2)
    monkeypatch.setattr(subprocess, "Popen", no_process)
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    assert compilation.compile_beside(make_scenario(tmp_path / "case")) is None
    assert not list(tmp_path.glob("plume-compile-*"))


def test_a_step_with_nothing_in_the_cache_starts_the_helper_before_compiling(monkeypatch, tmp_path):
    """A first run after installing: numba's cache holds nothing of the step, so the helper starts and the
    wait is announced at once, before the step is even called."""
    from plume.kernels import cache

    order = []

    def step(*args):
        order.append("step")

    started, announced = patched(monkeypatch, step, notice_after_s=5.0)
    monkeypatch.setattr(cache, "holds_compiled", lambda dispatcher: False)
    Simulation(make_scenario(tmp_path)).compile(announce=lambda: order.append("announced"))
    assert order == ["announced", "step"] and len(started) == 1 and started[0].waited


def test_holds_compiled_reads_numbas_cache_index(tmp_path, monkeypatch):
    """False for a cached function before its first compilation, True after it (its index written), True for
    something that is not a cached dispatcher (cannot tell)."""
    import importlib
    import sys

    from plume.kernels.cache import holds_compiled

    (tmp_path / "zz_cached_probe.py").write_text(
        "from numba import njit\n\n@njit(cache=True)\ndef probe(x):\n    return x + 1\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    module = importlib.import_module("zz_cached_probe")
    try:
        assert not holds_compiled(module.probe)
        assert module.probe(1) == 2
        assert holds_compiled(module.probe)
        assert holds_compiled(lambda: None)
    finally:
        sys.modules.pop("zz_cached_probe", None)
