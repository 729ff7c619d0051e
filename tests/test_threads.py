"""The default number of threads shares the cores among the plume runs on a machine; the summary's
speed figure is what it names; flags in --help read as flags."""
import os
import subprocess
import sys
import time
import types

import pytest
from typer.testing import CliRunner

from plume import threads
from plume.cli import app
from plume.summary import speed_line

runner = CliRunner()


@pytest.fixture()
def cores(monkeypatch):
    monkeypatch.delenv(threads.ENV, raising=False)
    monkeypatch.delenv("OMP_NUM_THREADS", raising=False)
    monkeypatch.setattr(threads, "cores_available", lambda: 8)


def sleeper(tmp_path):
    """A live process whose command line says plume, as a running `plume run` would."""
    script = tmp_path / "plume_run_stand_in.py"
    script.write_text("import time\ntime.sleep(60)\n")
    process = subprocess.Popen([sys.executable, str(script)])
    cmdline = f"/proc/{process.pid}/cmdline"
    for _ in range(500):  # until it runs the script (just after the fork it is still this test's process)
        if not os.path.exists(cmdline) or b"plume" in open(cmdline, "rb").read():
            break
        time.sleep(0.01)
    return process


def test_one_run_alone_gets_every_core(cores, tmp_path):
    with threads.registered(tmp_path, settle_s=0) as n:
        assert n == 8
        assert [p.name for p in tmp_path.iterdir()] == [str(os.getpid())]
    assert list(tmp_path.iterdir()) == []  # unregistered at the end


def test_runs_side_by_side_share_the_cores(cores, tmp_path):
    others = [sleeper(tmp_path) for _ in range(3)]
    try:
        for p in others:
            (tmp_path / str(p.pid)).touch()
        with threads.registered(tmp_path, settle_s=0) as n:
            assert n == 2  # 8 cores, 4 runs
        others[0].kill()
        others[0].wait()
        assert threads.running_runs(tmp_path) == 2
        assert threads.default_threads(tmp_path) == 4  # this process (counted at least once) and two others
    finally:
        for p in others:
            p.kill()
            p.wait()


def test_stale_and_foreign_entries_do_not_count(cores, tmp_path):
    (tmp_path / "999999999").touch()  # no such process
    (tmp_path / "not-a-pid").touch()
    (tmp_path / "1").touch()  # init: alive, but not a plume run
    assert threads.running_runs(tmp_path) == (0 if os.path.isdir("/proc") else 1)
    assert not (tmp_path / "999999999").exists() and not (tmp_path / "not-a-pid").exists()


def test_environment_settles_it(monkeypatch, tmp_path):
    monkeypatch.setenv(threads.ENV, "3")
    assert threads.default_threads(tmp_path) == 3
    monkeypatch.delenv(threads.ENV)
    monkeypatch.setenv("OMP_NUM_THREADS", "1")  # as dask's nanny sets for its workers
    assert threads.cores_available() == 1 and threads.default_threads(tmp_path) == 1


def test_run_uses_the_shared_default(monkeypatch, tmp_path):
    """`plume run` without --threads passes the registry's default to the solver; with it, the given one."""
    from helpers import BASE, write_scenario

    seen = []

    def fake_run(scenario, progress=False, threads=None, **_):  # also_write and what else run() takes
        seen.append(threads)
        raise SystemExit(0)  # stop before any stepping: the thread count is what is tested

    monkeypatch.setitem(sys.modules, "plume.solver", types.SimpleNamespace(run=fake_run))
    registry = tmp_path / "registry"
    registry.mkdir()
    monkeypatch.setattr(threads, "registry", lambda: registry)
    monkeypatch.setattr(threads, "cores_available", lambda: 2)
    monkeypatch.setattr(threads, "_SETTLE_S", 0.0)
    monkeypatch.delenv(threads.ENV, raising=False)
    path = write_scenario(tmp_path / "s.yaml", BASE)
    runner.invoke(app, ["run", str(path), "-q"])  # alone: both cores (as far as numba has threads)
    other = sleeper(tmp_path)
    try:
        (registry / str(other.pid)).touch()
        runner.invoke(app, ["run", str(path), "-q"])  # beside another run: one core each
        runner.invoke(app, ["run", str(path), "-q", "--threads", "2"])  # given: as given
    finally:
        other.kill()
        other.wait()
    import numba

    assert seen == [min(2, numba.config.NUMBA_NUM_THREADS), 1, 2]


def test_speed_line_names_what_it_measures():
    sim = types.SimpleNamespace(particles_released=1000, n_steps=100, particle_steps=40_000)
    line = speed_line(sim, 2.0)
    assert "1000 particles, 100 steps" in line and "4e+04 particle-steps taken" in line
    assert "2e+04 per wall second" in line  # 40,000 / 2 s, not 1000 x 100 / 2 s
    assert "threads" in line


@pytest.mark.parametrize("command", ["run", "check", "map", "compare"])
def test_flags_read_as_flags_in_help(command):
    result = runner.invoke(app, [command, "--help"])
    assert result.exit_code == 0, result.output
    assert "<bool>" not in result.output and "--help" in result.output
