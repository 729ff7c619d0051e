"""Bad inputs and faults thrown at plume (issue 17): every one ends with one clear line and exit 2 (bad
input) or 1 (a fault), nothing half-written, the earlier result set intact, no temporary left.

Each hand-written case reproduces one measured failure of the issue; hypothesis adds random ones. Cases
that compile the step kernels, send signals or fill a disk are marked slow.
"""
from __future__ import annotations

import copy
import errno
import multiprocessing
import os
import signal
import stat
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest
import xarray as xr
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as hs
from typer.testing import CliRunner

from helpers import scenario_dict, write_currents_cmems, write_scenario
from plume.cli import app
from plume.errors import InputDataError, OutputError, PlumeError, ScenarioError
from plume.resultset import STAGING_SUFFIX, check_targets, clean_up_after_killed_runs, result_set
from plume.scenario import scenario_from_dict
from plume.scenario.plausibility import numeric_ranges
from plume.signals import Terminated, interrupts_deferred

ROOT = Path(__file__).resolve().parents[1]
runner = CliRunner()
MEMBERS = ["case.nc", "case_metrics.csv", "case_metrics.json", "case_trajectories.nc", "case_maps"]


def one_line(result, status: int = 2) -> str:
    """The promise: the given exit status, one line on the output, no traceback."""
    assert result.exit_code == status, result.output
    lines = [line for line in result.output.splitlines() if line.strip()]
    assert len(lines) == 1, result.output
    assert lines[0].startswith("plume: error: "), result.output
    assert "Traceback" not in result.output
    return lines[0]


def listing(folder: Path) -> dict[str, bytes]:
    """Every entry of a folder (hidden ones too) with its bytes: 'nothing else changed' is equality."""
    out = {}
    for p in sorted(Path(folder).rglob("*")):
        out[str(p.relative_to(folder))] = p.read_bytes() if p.is_file() else b"<dir>"
    return out


def earlier_set(folder: Path, tag: str = "old") -> dict[str, bytes]:
    folder.mkdir(parents=True, exist_ok=True)
    for name in MEMBERS[:3]:
        (folder / name).write_text(f"{tag} {name}")
    (folder / "case_maps").mkdir(exist_ok=True)
    (folder / "case_maps" / "deposit_thickness.png").write_text(f"{tag} png")
    return listing(folder)


# ---------------------------------------------------------------- the result set as a unit

def test_a_complete_set_replaces_the_earlier_one_whole(tmp_path):
    earlier_set(tmp_path)
    with result_set(tmp_path, MEMBERS) as staged:
        staged.path("case.nc").write_text("new nc")
        staged.path("case_metrics.csv").write_text("new csv")
    # the earlier json and maps belonged to the earlier run: they go with it, never mixed with the new .nc
    assert listing(tmp_path) == {"case.nc": b"new nc", "case_metrics.csv": b"new csv"}


def test_files_written_beside_the_members_move_in_with_them(tmp_path):
    with result_set(tmp_path, ["comparison.csv"]) as staged:
        staged.path("comparison.csv").write_text("table")
        (staged.staging / "figure.png").write_text("png")
    assert listing(tmp_path) == {"comparison.csv": b"table", "figure.png": b"png"}


@pytest.mark.parametrize("fault", [KeyboardInterrupt(), Terminated(), OSError(errno.ENOSPC, "No space left on device"),
                                   RuntimeError("NetCDF: HDF error"), PlumeError("maps: bad overlay")])
def test_a_failed_or_interrupted_set_leaves_the_earlier_one_and_nothing_else(tmp_path, fault):
    before = earlier_set(tmp_path)
    with pytest.raises((KeyboardInterrupt, PlumeError)) as caught:
        with result_set(tmp_path, MEMBERS) as staged:
            staged.path("case.nc").write_text("new nc")  # the .nc done, then the fault hits the metrics
            raise fault
    assert listing(tmp_path) == before
    if isinstance(fault, (OSError, RuntimeError)):
        assert isinstance(caught.value, OutputError) and caught.value.exit_code == 1
        assert "nothing was written" in str(caught.value) and "unchanged" in str(caught.value)
        assert "\n" not in str(caught.value)


def test_files_get_the_users_umask(tmp_path):
    from plume.output import write_text

    for mask, mode in ((0o022, 0o644), (0o077, 0o600), (0o002, 0o664)):
        old = os.umask(mask)
        try:
            with result_set(tmp_path / oct(mask), MEMBERS) as staged:
                write_text(staged.path("case_metrics.csv"), "x")
                staged.path("case_maps").mkdir()
        finally:
            os.umask(old)
        assert stat.S_IMODE((tmp_path / oct(mask) / "case_metrics.csv").stat().st_mode) == mode
        assert stat.S_IMODE((tmp_path / oct(mask) / "case_maps").stat().st_mode) == mode | 0o111 & ~mask


KILLED_IN_COMMIT = """
import os, signal, sys
sys.path.insert(0, {root!r})
from pathlib import Path
from plume import resultset
real = os.rename
calls = []
def rename(a, b):
    real(a, b)
    calls.append(b)
    if {stage!r} == "commit" and len(calls) == 3:  # the old .nc moved aside, the new one in, then killed
        os.kill(os.getpid(), signal.SIGKILL)
os.rename = rename
with resultset.result_set(Path({folder!r}), {members!r}) as staged:
    for name in ("case.nc", "case_metrics.csv", "case_metrics.json"):
        staged.path(name).write_text("new " + name)
    if {stage!r} == "body":
        os.kill(os.getpid(), signal.SIGKILL)
"""


@pytest.mark.parametrize("stage", ["body", "commit"])
def test_a_killed_process_leaves_only_a_staging_folder_that_the_next_run_resolves(tmp_path, stage):
    before = earlier_set(tmp_path)
    code = KILLED_IN_COMMIT.format(root=str(ROOT), stage=stage, folder=str(tmp_path), members=MEMBERS)
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, timeout=120)
    assert proc.returncode == -signal.SIGKILL, proc.stderr.decode()
    assert len(list(tmp_path.glob(f".*{STAGING_SUFFIX}"))) == 1  # the only trace of the killed run
    clean_up_after_killed_runs(tmp_path)  # what the next run in the folder does first
    if stage == "body":  # killed while writing: the earlier set stays, exactly
        assert listing(tmp_path) == before
    else:  # killed while moving a whole set in: the move is completed, never left half done
        assert listing(tmp_path) == {n: f"new {n}".encode() for n in MEMBERS[:3]}


def test_a_live_runs_staging_folder_is_left_alone(tmp_path):
    with result_set(tmp_path, MEMBERS) as staged:
        clean_up_after_killed_runs(tmp_path)  # another run cleaning up meanwhile
        assert staged.staging.is_dir()
        staged.path("case.nc").write_text("mine")
    assert listing(tmp_path) == {"case.nc": b"mine"}


def _writer(folder: str, tag: str, barrier) -> None:
    barrier.wait()
    with result_set(Path(folder), MEMBERS) as staged:
        for name in MEMBERS[:3]:
            staged.path(name).write_text(tag)
            time.sleep(0.01)


def test_two_runs_of_the_same_result_never_interleave(tmp_path):
    ctx = multiprocessing.get_context("fork")
    for trial in range(9):  # the issue saw a mix in 1 of 9
        folder = tmp_path / str(trial)
        earlier_set(folder)
        barrier = ctx.Barrier(2)
        procs = [ctx.Process(target=_writer, args=(str(folder), tag, barrier)) for tag in ("A", "B")]
        for p in procs:
            p.start()
        for p in procs:
            p.join(60)
            assert p.exitcode == 0
        contents = listing(folder)
        assert sorted(contents) == MEMBERS[:3]
        assert len(set(contents.values())) == 1, contents  # one run's whole set


@pytest.mark.parametrize("make, message", [
    (lambda f: (f / "case_metrics.csv").mkdir(parents=True), "is a folder"),
    (lambda f: (f.mkdir(parents=True), (f / "case_maps").write_text("x")), "is a file"),
    (lambda f: ((f / "case_maps").mkdir(parents=True), (f / "case_maps" / "notes.txt").write_text("x")),
     "holds files plume did not write"),
])
def test_names_taken_by_the_wrong_kind_of_thing_are_refused_before_the_run(tmp_path, make, message):
    folder = tmp_path / "out"
    make(folder)
    with pytest.raises(PlumeError, match=message):
        check_targets(folder, MEMBERS[:4], ["case_maps"])


def test_impossible_output_folders_are_refused_in_one_line(tmp_path):
    loop = tmp_path / "loop"
    loop.symlink_to(loop)
    for folder in (tmp_path / ("x" * 300) / "out", loop / "out", tmp_path / "file.txt" / "out"):
        (tmp_path / "file.txt").write_text("")
        with pytest.raises(PlumeError) as caught:
            check_targets(folder, MEMBERS[:4], ["case_maps"])
        assert "\n" not in str(caught.value) and "output" in str(caught.value)


def _ctrl_c_as_in_a_terminal():
    """The child gets Ctrl-C as a terminal would give it: a job started in the background (as a CI
    runner may start the tests) inherits SIGINT ignored, and Python then keeps ignoring it."""
    signal.signal(signal.SIGINT, signal.SIG_DFL)


# ---------------------------------------------------------------- signals

def test_interrupts_are_held_until_the_write_ends():
    if signal.getsignal(signal.SIGINT) is signal.SIG_IGN:  # started as a background job: Ctrl-C is ignored
        signal.signal(signal.SIGINT, signal.default_int_handler)
    before = signal.getsignal(signal.SIGINT)
    done = []
    with pytest.raises(KeyboardInterrupt):
        with interrupts_deferred():
            os.kill(os.getpid(), signal.SIGINT)
            done.append("write finished")
    assert done == ["write finished"]
    with pytest.raises(Terminated):
        with interrupts_deferred():
            os.kill(os.getpid(), signal.SIGTERM)
            done.append("again")
    assert signal.getsignal(signal.SIGINT) is before  # the handler in force before is restored


WRITE_LOOP = """
import sys, signal
sys.path.insert(0, {root!r})
import numpy as np, xarray as xr
from pathlib import Path
from plume.output import write_dataset
from plume.resultset import result_set
from plume.signals import handle_sigterm_like_ctrl_c
handle_sigterm_like_ctrl_c()
ds = xr.Dataset({{"ssc": (("t", "y", "x"), np.random.default_rng(0).random((40, 300, 300)))}})
print("ready", flush=True)
try:
    while True:
        with result_set(Path({folder!r}), ["case.nc"]) as staged:
            write_dataset(ds, staged.path("case.nc"))
except KeyboardInterrupt as err:
    sys.exit(143 if type(err).__name__ == "Terminated" else 130)
"""


@pytest.mark.slow
@pytest.mark.parametrize("signum", [signal.SIGINT, signal.SIGTERM])
def test_a_signal_during_the_netcdf_write_never_hangs(tmp_path, signum):
    rng = np.random.default_rng(1)
    for attempt in range(4):  # the issue hung in 3 of 4
        folder = tmp_path / str(attempt)
        code = WRITE_LOOP.format(root=str(ROOT), folder=str(folder))
        proc = subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                preexec_fn=_ctrl_c_as_in_a_terminal)
        assert proc.stdout.readline().strip() == b"ready"
        time.sleep(float(rng.uniform(0.3, 2.0)))
        proc.send_signal(signum)
        try:
            status = proc.wait(timeout=60)
        except subprocess.TimeoutExpired:
            proc.kill()
            pytest.fail("the process hung after the signal")
        assert status == 128 + signum, proc.stderr.read().decode()
        assert [p.name for p in folder.iterdir()] in ([], ["case.nc"])  # no temporary left
        if (folder / "case.nc").exists():
            xr.open_dataset(folder / "case.nc").close()  # whole, readable


@pytest.mark.parametrize("signum", [signal.SIGINT, signal.SIGTERM])
@pytest.mark.parametrize("when", ["making the staging folder", "removing it"])
def test_a_signal_while_the_staging_folder_is_made_or_removed_leaves_no_temporary(tmp_path, monkeypatch, signum,
                                                                                   when):
    """The moments the random timing of the test above hits only now and then (a fresh-check run once left a
    staging folder behind): the signal is held while the folder is made, and raised once it is gone."""
    import shutil
    import tempfile

    from plume import resultset
    from plume.signals import handle_sigterm_like_ctrl_c

    real_mkdtemp, real_rmtree = tempfile.mkdtemp, shutil.rmtree

    def mkdtemp_then_signal(*args, **kwargs):
        made = real_mkdtemp(*args, **kwargs)
        os.kill(os.getpid(), signum)
        return made

    def rmtree_after_signal(*args, **kwargs):
        os.kill(os.getpid(), signum)
        real_rmtree(*args, **kwargs)

    if when == "making the staging folder":
        monkeypatch.setattr(resultset.tempfile, "mkdtemp", mkdtemp_then_signal)
    else:
        monkeypatch.setattr(resultset.shutil, "rmtree", rmtree_after_signal)
    previous = {s: signal.getsignal(s) for s in (signal.SIGINT, signal.SIGTERM)}
    handle_sigterm_like_ctrl_c()
    try:
        with pytest.raises(KeyboardInterrupt):  # Terminated (SIGTERM) is one too
            with result_set(tmp_path, ["case.nc"]) as staged:
                if when == "removing it":
                    staged.path("case.nc").write_bytes(b"partial")
                    raise KeyboardInterrupt  # the write interrupted: the staging folder is removed
                pytest.fail("the block ran although the signal came before it")
    finally:
        for s, handler in previous.items():
            signal.signal(s, handler)
    assert list(tmp_path.iterdir()) == []


@pytest.mark.slow
def test_a_full_disk_is_one_line_and_the_earlier_set_survives(tmp_path):
    from plume.output import write_dataset

    mount = tmp_path / "small"
    mount.mkdir()
    done = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=1m", "tmpfs", str(mount)], capture_output=True)
    if done.returncode != 0:
        pytest.skip(f"cannot mount a small tmpfs here ({done.stderr.decode().strip()[:80]})")
    try:
        folder = mount / "out"
        before = earlier_set(folder)
        big = xr.Dataset({"ssc": (("y", "x"), np.random.default_rng(0).random((600, 600)))})
        with pytest.raises(OutputError) as caught:
            with result_set(folder, MEMBERS) as staged:
                write_dataset(big, staged.path("case.nc"))
        assert caught.value.exit_code == 1
        assert "nothing was written" in str(caught.value) and "\n" not in str(caught.value)
        assert listing(folder) == before
    finally:
        subprocess.run(["umount", "-l", str(mount)], capture_output=True)  # lazy: HDF5 may still hold the file


# ---------------------------------------------------------------- the command line: one line each

def test_command_line_mistakes_are_one_line_not_a_usage_box(tmp_path):
    for args in (["run", "x.yaml", "--threads", "0"], ["run", "x.yaml", "--particles", "many"],
                 ["run", "x.yaml", "--no-such-option"], ["map"], ["frobnicate"]):
        one_line(runner.invoke(app, args))
    assert "Usage" in runner.invoke(app, []).output  # bare `plume` still shows the help


@pytest.mark.parametrize("value", ["", "abc", "1.5", "-3", "99999999999999999999"])
def test_a_bad_source_date_epoch_is_refused_before_the_run(tmp_path, monkeypatch, value):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", value)
    line = one_line(runner.invoke(app, ["run", str(tmp_path / "any.yaml")]))
    assert "SOURCE_DATE_EPOCH" in line


def test_misleading_messages_now_say_what_is_wrong(tmp_path):
    assert "not a regular file" in one_line(runner.invoke(app, ["check", "/dev/zero"]))
    assert "is a folder" in one_line(runner.invoke(app, ["compare", str(tmp_path), str(tmp_path)]))
    assert "is a folder" in one_line(runner.invoke(app, ["map", str(tmp_path)]))
    data = scenario_dict(bathymetry={"flat_depth_m": None, "file": "/dev/zero"})
    path = write_scenario(tmp_path / "s.yaml", data)
    assert "not a regular file" in one_line(runner.invoke(app, ["check", str(path)]))


def fake_result(path: Path, nx: int = 4, ny: int = 4, scale: float = 1.0, big: bool = False) -> Path:
    """A small file with the variables a plume result has (enough for map and compare to open it)."""
    t, layer = 3, 2
    rng = np.random.default_rng(0)
    shape = (t, layer, ny, nx)
    ds = xr.Dataset(
        {
            "depth": (("y", "x"), np.full((ny, nx), 4000.0)),
            "ssc": (("time", "layer", "y", "x"), rng.random(shape) * scale),
            "ssc_max": (("layer", "y", "x"), rng.random(shape[1:]) * scale),
            "deposit_thickness": (("time", "y", "x"), rng.random((t, ny, nx)) * 1e-3),
            "deposit_area": (("time", "deposit_threshold"), np.ones((t, 2))),
            "mass_released": (("time",), np.arange(1, t + 1) * scale), "mass_suspended": (("time",), np.zeros(t)),
            "mass_deposited": (("time",), np.zeros(t)), "mass_exited": (("time",), np.zeros(t)),
            "noise": (("n",), rng.random(400_000 if big else 10)),
        },
        coords={"x": np.arange(nx) * 10.0, "y": np.arange(ny) * 10.0, "time": np.arange(t) * 3600.0,
                "layer": [0.5, 1.5], "deposit_threshold": [1e-4, 1e-3], "ssc_threshold": [1e-3, 1e-2]},
    )
    encoding = {"noise": {"zlib": True}} if big else None
    ds.to_netcdf(path, engine="netcdf4", encoding=encoding)
    return path


def test_results_that_cannot_be_drawn_are_refused_in_one_line(tmp_path):
    narrow = fake_result(tmp_path / "narrow.nc", nx=1)
    line = one_line(runner.invoke(app, ["map", str(narrow), "-o", str(tmp_path / "maps_a")]))
    assert "1 x 4 cells" in line
    overflow = fake_result(tmp_path / "overflow.nc", scale=np.inf)
    line = one_line(runner.invoke(app, ["map", str(overflow), "-o", str(tmp_path / "maps_b")]))
    assert "infinite" in line
    assert not (tmp_path / "maps_a").exists() or not any((tmp_path / "maps_a").iterdir())


def test_a_result_with_damaged_data_bytes_is_one_line_for_map_and_compare(tmp_path):
    path = fake_result(tmp_path / "damaged.nc", big=True)
    raw = bytearray(path.read_bytes())
    middle = len(raw) // 2
    raw[middle - 20_000: middle + 20_000] = os.urandom(40_000)  # inside the compressed data, not the header
    path.write_bytes(bytes(raw))
    for args in (["map", str(path), "-o", str(tmp_path / "m")], ["compare", str(path), str(path)]):
        result = runner.invoke(app, args)
        assert result.exit_code == 2 and "Traceback" not in result.output, result.output
        assert len(result.output.strip().splitlines()) == 1


# ---------------------------------------------------------------- physical plausibility of the scenario

def test_every_numeric_key_has_a_documented_range(tmp_path):
    ranges = numeric_ranges()
    assert len(ranges) > 80
    unbounded = [k for k, (low, high) in ranges.items() if low is None or high is None]
    assert unbounded == []
    doc = (ROOT / "docs" / "scenario_ranges.md").read_text()
    missing = [k for k in ranges if f"`{k}`" not in doc]
    assert missing == []
    import runpy

    fresh = tmp_path / "scenario_ranges.md"  # the page is the script's output for today's bounds
    runpy.run_path(str(ROOT / "scripts" / "make_scenario_ranges.py"))["main"](fresh)
    assert fresh.read_text() == doc, "rerun scripts/make_scenario_ranges.py"


ABSURD = [  # the "accepted silently" cases: far outside any physical range
    (["sources", 0, "rate_kg_s"], 1e300), (["sediment", "deposit_dry_density_kg_m3"], 1e-300),
    (["sources", 0, "release_width_m"], 1e300), (["sources", 0, "track", "speed_m_s"], 1e300),
    (["turbulence", "horizontal_m2_s"], 1e300), (["turbulence", "vertical", "value_m2_s"], 1e300),
    (["sediment", "grain_density_kg_m3"], 1e300),
]

COLLECTOR = {"kind": "collector", "name": "c", "start_h": 0, "stop_h": 1, "rate_kg_s": 2.0,
             "release_height_m": 2, "release_width_m": 10,
             "track": {"origin_m": [-100, -100], "lanes": 2, "lane_length_m": 200, "lane_spacing_m": 20,
                       "speed_m_s": 0.5}}


def base(**changes) -> dict:
    return scenario_dict(sources=[copy.deepcopy(COLLECTOR)], **changes)


def set_key(data: dict, path: list, value) -> dict:
    data = copy.deepcopy(data)
    node = data
    for key in path[:-1]:
        node = node[key]
    node[path[-1]] = value
    return data


def error_line(data: dict, tmp_path) -> str:
    with pytest.raises(ScenarioError) as caught:
        scenario_from_dict(data, tmp_path)
    message = str(caught.value)
    assert "\n" not in message
    return message


@pytest.mark.parametrize("path, value", ABSURD)
def test_far_outside_the_physical_range_is_refused(tmp_path, path, value):
    message = error_line(set_key(base(), path, value), tmp_path)
    assert ".".join(str(p) for p in path if not isinstance(p, int)).split(".")[-1] in message


def test_a_collector_releasing_above_the_sea_surface_is_refused(tmp_path):
    data = base(bathymetry={"flat_depth_m": 4448})
    message = error_line(set_key(data, ["sources", 0, "release_height_m"], 10_000), tmp_path)
    assert "release_height_m" in message
    message = error_line(set_key(base(), ["sources", 0, "release_height_m"], 150), tmp_path)  # seabed at 100 m
    assert "must be < bathymetry.flat_depth_m (100)" in message


@pytest.mark.parametrize("path, value, unit", [
    (["sediment", "deposit_dry_density_kg_m3"], 0.3, "g/cm3"),
    (["sediment", "classes", 0, "diameter_um"], 2e-5, "metres"),
    (["sediment", "classes", 0, "settling_m_s"], 0.1, "mm/s"),
    (["sediment", "grain_density_kg_m3"], 2.65, "g/cm3"),
])
def test_a_likely_unit_slip_gets_a_warning_naming_the_unit(tmp_path, path, value, unit):
    data = base()
    if path[-1] == "diameter_um":
        data = set_key(data, ["sediment", "classes", 0], {"name": "only", "mass_fraction": 1.0, "diameter_um": value})
        data = set_key(data, ["sediment", "grain_density_kg_m3"], 2650)
    else:
        data = set_key(data, path, value)
    if path[-1] == "grain_density_kg_m3":
        data = set_key(data, ["sediment", "water_density_kg_m3"], 1.0)
    scenario = scenario_from_dict(data, tmp_path)
    slips = [w for w in scenario.warnings if path[-1] in w]
    assert len(slips) == 1 and unit in slips[0], scenario.warnings
    assert scenario_from_dict(base(), tmp_path).warnings == []  # the defaults raise none


def test_the_warning_reaches_the_user_and_the_check_still_passes(tmp_path):
    path = write_scenario(tmp_path / "s.yaml", set_key(base(), ["sediment", "deposit_dry_density_kg_m3"], 0.3))
    result = runner.invoke(app, ["check", str(path)])
    assert result.exit_code == 0, result.output
    assert "plume: warning: sediment.deposit_dry_density_kg_m3" in result.output and "300" in result.output


FUZZED_KEYS = [
    ["sources", 0, "rate_kg_s"], ["sources", 0, "release_height_m"], ["sources", 0, "release_width_m"],
    ["sources", 0, "track", "speed_m_s"], ["sources", 0, "track", "lane_length_m"],
    ["sediment", "grain_density_kg_m3"], ["sediment", "deposit_dry_density_kg_m3"],
    ["sediment", "water_density_kg_m3"], ["sediment", "water_viscosity_pa_s"],
    ["turbulence", "horizontal_m2_s"], ["turbulence", "vertical", "value_m2_s"],
    ["time", "duration_h"], ["time", "step_s"], ["grid", "resolution_m"], ["bathymetry", "flat_depth_m"],
    ["particles", "count"], ["sediment", "classes", 0, "settling_m_s"],
]

values = hs.one_of(
    hs.floats(allow_nan=True, allow_infinity=True), hs.integers(-10**30, 10**30),
    hs.sampled_from([1e300, -1e300, 1e-300, 0, -1, True, None, "1e3", "many", [], {}]),
    hs.floats(min_value=1e-12, max_value=1e12),
)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(key=hs.sampled_from(FUZZED_KEYS), value=values)
def test_fuzzed_scenario_values_are_refused_in_one_line_or_stay_in_range(tmp_path, key, value):
    data = set_key(base(), key, value)
    try:
        scenario = scenario_from_dict(data, tmp_path)
    except ScenarioError as err:
        assert "\n" not in str(err) and str(err).startswith("<scenario>: ")
        return
    accepted = scenario.model_dump()
    node = accepted
    for k in key:
        node = node[k]
    assert np.isfinite(node) and abs(node) <= 1e8  # nothing far out of range gets through


# ---------------------------------------------------------------- data files

def bathymetry_file(path: Path, elevation: np.ndarray) -> Path:
    lon = np.linspace(-117.0, -116.8, elevation.shape[1])
    lat = np.linspace(10.3, 10.5, elevation.shape[0])
    xr.Dataset({"elevation": (("lat", "lon"), elevation, {"units": "m", "positive": "up"})},
               coords={"lon": ("lon", lon, {"units": "degrees_east"}),
                       "lat": ("lat", lat, {"units": "degrees_north"})}).to_netcdf(path)
    return path


@pytest.mark.parametrize("spoil, expected", [
    (lambda e: np.where(np.arange(e.shape[1]) % 3 == 0, -32767.0, e), "-32767 is a common fill value"),
    (lambda e: e * 1e30, "beyond the deepest ocean"),
])
def test_absurd_bathymetry_depths_are_refused(tmp_path, spoil, expected):
    from plume.environment.bathymetry import seabed_from_file
    from plume.grids import LocalProjection

    elevation = spoil(np.full((21, 21), -4448.0))
    path = bathymetry_file(tmp_path / "bathy.nc", elevation)
    with pytest.raises(InputDataError) as caught:
        seabed_from_file(path, LocalProjection(-116.9, 10.4), (-500, 500, -500, 500), 50.0)
    assert expected in str(caught.value) and "\n" not in str(caught.value)


def currents_grid(tmp_path, units, depth=(0.0, 50.0, 100.0), speed=1.0, **scenario_changes):
    from plume.environment.currents_file import currents_from_file
    from plume.grids import LocalProjection

    path = write_currents_cmems(tmp_path / "c.nc", "2026-04-01T00:00", 3, lambda h: speed, lambda h: 0.0,
                                depth=depth)
    with xr.open_dataset(path) as ds:
        ds = ds.load()
    for name in ("uo", "vo"):
        if units is None:
            ds[name].attrs.pop("units", None)
        else:
            ds[name].attrs["units"] = units
    ds.to_netcdf(tmp_path / "c2.nc")
    from datetime import datetime, timezone

    return tmp_path / "c2.nc", currents_from_file(tmp_path / "c2.nc", LocalProjection(-116.9, 10.4),
                                                 (-500, 500, -500, 500), datetime(2026, 4, 1, tzinfo=timezone.utc),
                                                 3600.0)


@pytest.mark.parametrize("units, factor", [("m s-1", 1.0), ("m/s", 1.0), (None, 1.0), ("cm s-1", 0.01),
                                            ("cm/s", 0.01), ("mm s-1", 0.001), ("knots", 1852 / 3600),
                                            ("kt", 1852 / 3600)])
def test_current_units_are_converted_to_m_s(tmp_path, units, factor):
    _, grid = currents_grid(tmp_path, units, speed=0.5)
    assert np.allclose(grid.u_m_s, 0.5 * factor, rtol=1e-6)


@pytest.mark.parametrize("units", ["m", "degC", "Pa", "banana"])
def test_current_units_that_are_not_a_speed_are_refused_by_name(tmp_path, units):
    with pytest.raises(InputDataError) as caught:
        currents_grid(tmp_path, units, speed=0.5)
    assert repr(units) in str(caught.value) and "not a speed" in str(caught.value)


@pytest.mark.parametrize("depth, what", [((0.0, 1000.0, 3500.0), "3,500 m"), ((0.0,), "the surface alone")])
def test_a_current_file_stopping_short_of_the_seabed_is_refused_unless_extended(tmp_path, depth, what):
    from plume.environment.currents_file import reach_to_bed

    path, grid = currents_grid(tmp_path, "m s-1", depth=depth)
    with pytest.raises(InputDataError) as caught:
        reach_to_bed(path, grid, 4450.0, None, 0.002)
    assert what in str(caught.value) and "extend_to_bed" in str(caught.value)
    extended = reach_to_bed(path, grid, 4450.0, "log_layer", 0.002)
    assert extended.bottom_roughness_m == 0.002
    assert extended.log_layer_height_m == pytest.approx(4450.0 - max(depth))
    assert reach_to_bed(path, grid, 4450.0, "uniform", 0.002).bottom_roughness_m == 0.0
    assert reach_to_bed(path, grid, max(depth) + 50.0, None, 0.002) is grid  # reaches the bed: unchanged


def test_extend_to_bed_is_a_scenario_key_for_current_files_only(tmp_path):
    message = error_line(base(currents={"synthetic": {"mean_u_m_s": 0.1}, "extend_to_bed": "log_layer"}), tmp_path)
    assert "currents.extend_to_bed: only allowed with file" in message


# ---------------------------------------------------------------- whole runs (compile the kernels)

SMALL_RUN = dict(time={"duration_h": 1, "step_s": 60, "output_every_s": 900}, particles={"count": 500, "seed": 2},
                 grid={"resolution_m": 50, "extent_m": [-500, 500, -500, 500], "layers_above_bed_m": [0, 1, 2, 5]},
                 sources=[copy.deepcopy(COLLECTOR)])


@pytest.mark.slow
def test_a_run_writes_its_set_with_the_users_umask_and_leaves_no_temporary(tmp_path):
    path = write_scenario(tmp_path / "s.yaml", scenario_dict(**SMALL_RUN))
    old = os.umask(0o022)
    try:
        result = runner.invoke(app, ["run", str(path), "-q"])
    finally:
        os.umask(old)
    assert result.exit_code == 0, result.output
    out = tmp_path / "out"
    assert sorted(p.name for p in out.iterdir()) == ["case.nc", "case_metrics.csv", "case_metrics.json"]
    for p in out.iterdir():
        assert stat.S_IMODE(p.stat().st_mode) == 0o644
    # a folder where the metrics go: refused before the run, the earlier set untouched
    before = listing(out)
    (out / "case_metrics.csv").unlink()
    (out / "case_metrics.csv").mkdir()
    before = listing(out)
    line = one_line(runner.invoke(app, ["run", str(path), "-q"]))
    assert "case_metrics.csv is a folder" in line
    assert listing(out) == before


RUN_AND_SIGNAL = """
import sys
sys.path.insert(0, {root!r})
sys.argv = ["plume", "run", {scenario!r}]
from plume.cli import app
app()
"""


@pytest.mark.slow
@pytest.mark.parametrize("signum", [signal.SIGINT, signal.SIGTERM])
def test_a_signal_during_a_run_leaves_the_earlier_set_and_says_so(tmp_path, signum):
    data = scenario_dict(**{**SMALL_RUN, "time": {"duration_h": 24, "step_s": 60, "output_every_s": 900},
                            "particles": {"count": 100_000, "seed": 2}})
    path = write_scenario(tmp_path / "s.yaml", data)
    before = earlier_set(tmp_path / "out")
    proc = subprocess.Popen([sys.executable, "-c", RUN_AND_SIGNAL.format(root=str(ROOT), scenario=str(path))],
                            preexec_fn=_ctrl_c_as_in_a_terminal,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    time.sleep(20)
    proc.send_signal(signum)
    try:
        _, err = proc.communicate(timeout=120)
    except subprocess.TimeoutExpired:
        proc.kill()
        pytest.fail("hung after the signal")
    assert proc.returncode == 128 + signum, err.decode()
    from plume.solver import COMPILE_NOTICE  # printed first when the step compiles (a cold cache)

    lines = [line for line in err.decode().splitlines() if line.startswith("plume:") and line != COMPILE_NOTICE]
    assert lines == ["plume: interrupted; nothing was written (earlier results are unchanged)"]
    assert "Traceback" not in err.decode()
    assert listing(tmp_path / "out") == before


@pytest.mark.slow
def test_an_interrupted_map_command_leaves_the_earlier_figures_and_says_so(tmp_path, monkeypatch):
    from plume.maps import files

    path = write_scenario(tmp_path / "s.yaml", scenario_dict(**SMALL_RUN))
    assert runner.invoke(app, ["run", str(path), "-q"]).exit_code == 0
    nc = tmp_path / "out" / "case.nc"
    first = runner.invoke(app, ["map", str(nc)])
    assert first.exit_code == 0, first.output
    before = listing(tmp_path / "out")

    def interrupted(*args, **kwargs):  # Ctrl-C after the four PNG figures, while the GIF is drawn
        raise KeyboardInterrupt

    monkeypatch.setattr(files, "write_animation", interrupted)
    result = runner.invoke(app, ["map", str(nc)])
    assert result.exit_code == 130
    assert result.output.strip() == "plume: interrupted; nothing was written (earlier results are unchanged)"
    assert listing(tmp_path / "out") == before
