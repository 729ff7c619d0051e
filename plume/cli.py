"""The `plume` command. Every failure ends with one clear line on stderr: exit status 2 for bad input
(a scenario, a data file, a command-line option), 1 for a fault (a full disk, a bug), 130 for Ctrl-C and
143 for SIGTERM; never a traceback (PLUME_DEBUG=1 shows one for a bug report)."""
from __future__ import annotations

import functools
import os
import sys
from pathlib import Path
from typing import Optional

import typer
from typer.core import TyperGroup

from .errors import PlumeError

EXIT_BAD_INPUT = 2
EXIT_FAULT = 1


def _one_line(text: str) -> str:
    return " ".join(str(text).split())


class OneLineUsageErrors(TyperGroup):
    """Command-line mistakes (`--threads 0`, `--particles many`) as one line, not a usage box."""

    def main(self, args=None, prog_name=None, complete_var=None, standalone_mode=True, **extra):
        from typer._click.exceptions import ClickException, NoArgsIsHelpError

        try:
            status = super().main(args, prog_name, complete_var, standalone_mode=False, **extra)
        except NoArgsIsHelpError as err:  # bare `plume`: the help is the answer
            err.show()
            status = err.exit_code
        except ClickException as err:
            typer.echo(f"plume: error: {_one_line(err.format_message())}", err=True)
            status = err.exit_code
        if not standalone_mode:
            return status
        sys.exit(status if isinstance(status, int) else 0)


app = typer.Typer(
    cls=OneLineUsageErrors, add_completion=False, no_args_is_help=True, pretty_exceptions_show_locals=False,
    rich_markup_mode=None,  # click's plain help: flags read as flags (rich help prints "<bool>" after them)
    help="plume: sediment plumes from deep-sea nodule mining (Lagrangian particles, CF-NetCDF out).",
)


def _fail(message: str, status: int = EXIT_BAD_INPUT) -> None:
    typer.echo(f"plume: error: {_one_line(message)}", err=True)
    raise typer.Exit(status)


def _what_was_written() -> str:
    from . import checkpoint
    from .resultset import committed

    kept = ("" if checkpoint.last_saved is None or not checkpoint.last_saved.exists() else
            f"; the checkpoint {checkpoint.last_saved} is kept: plume run --resume continues from it")
    if not committed:
        return "nothing was written (earlier results are unchanged)" + kept
    return "already written: " + ", ".join(str(p) for p in committed) + kept


def reports_bad_input(command):
    """Every failure as one line and an exit status: PlumeError (bad input, 2; OutputError, 1), an
    interrupt (Ctrl-C 130, SIGTERM 143), any other error (a fault: 1)."""

    @functools.wraps(command)
    def wrapper(*args, **kwargs):
        from . import checkpoint, resultset
        from .output import source_date_epoch
        from .signals import exit_status, handle_sigterm_like_ctrl_c

        resultset.committed.clear()
        checkpoint.last_saved = None
        handle_sigterm_like_ctrl_c()
        try:
            source_date_epoch()  # refused now, not after the whole run
            return command(*args, **kwargs)
        except typer.Exit:
            raise
        except PlumeError as err:
            _fail(str(err), err.exit_code)
        except KeyboardInterrupt as err:
            typer.echo(f"plume: interrupted; {_what_was_written()}", err=True)
            raise typer.Exit(exit_status(err)) from None
        except MemoryError:
            _fail(f"out of memory; {_what_was_written()}", EXIT_FAULT)
        except OSError as err:  # an unforeseen file-system fault: name the file
            where = f"{err.filename}: " if err.filename else ""
            _fail(f"{where}{err.strerror or err}; {_what_was_written()}", EXIT_FAULT)
        except Exception as err:  # a bug: still one line, with what is needed to report it
            if os.environ.get("PLUME_DEBUG"):
                raise
            _fail(f"internal fault ({type(err).__name__}: {err}); {_what_was_written()}; "
                  "rerun with PLUME_DEBUG=1 for the traceback", EXIT_FAULT)

    return wrapper


_LABEL_HELP = ("Property that names each overlay feature on the maps, e.g. a contract ID "
               "(default: name, NAME or Name).")


_SET_HELP = ("Override a scenario key, e.g. --set sources[0].rate_kg_s=20 (the value in YAML; "
             "repeatable; as if written in the file).")


def _load(scenario_path: Path, output: Optional[Path], particles: Optional[int], seed: Optional[int],
          settings: Optional[list[str]] = None):
    from .scenario import load_scenario

    scenario = load_scenario(scenario_path, settings or ())
    if output is not None or particles is not None or seed is not None:
        scenario = scenario.with_overrides(
            particles=particles, seed=seed, output_directory=None if output is None else output.resolve()
        )
    for warning in scenario.warnings:  # a likely unit slip: the run goes on, but the user is told
        typer.echo(f"plume: warning: {warning}", err=True)
    return scenario


@app.command()
@reports_bad_input
def check(
    scenario_path: Path = typer.Argument(..., metavar="SCENARIO.yaml", help="Scenario file."),
    settings: Optional[list[str]] = typer.Option(None, "--set", metavar="KEY.PATH=VALUE", help=_SET_HELP),
):
    """Validate a scenario file and its data files without running it."""
    from .solver import Simulation

    scenario = _load(scenario_path, None, None, None, settings)
    simulation = Simulation(scenario)  # builds the environment and sources: data files are checked too
    for warning in simulation.resolution_warnings():
        typer.echo(f"plume: warning: {warning}", err=True)
    t = scenario.time
    typer.echo(
        f"{scenario_path}: ok: '{scenario.name}', {t.n_steps} steps of {t.step_s:g} s, "
        f"{t.n_outputs} output times, {simulation.particles.x_m.size} particles, "
        f"{len(scenario.sources)} source(s), grid {simulation.grid.nx} x {simulation.grid.ny} cells"
    )
    from .summary import jet_lines

    for line in jet_lines(scenario, simulation.jets):
        typer.echo(line)


@app.command("warmup")
@reports_bad_input
def warmup_command(
    scenario_paths: list[Path] = typer.Argument(..., metavar="SCENARIO.yaml...", help="Scenario files."),
):
    """Compile (once per installation) the particle step of each scenario's set of processes, so that
    its runs start at once; run it after installing, in CI, or before an ensemble."""
    import time

    from .solver import Simulation

    for path in scenario_paths:
        scenario = _load(path, None, None, None)
        started = time.perf_counter()
        notice = (f"plume: compiling the particle step of {path} (once per installation and process set; "
                  "up to a minute on 2 cores)")
        Simulation(scenario).compile(announce=lambda notice=notice: typer.echo(notice, err=True))
        typer.echo(f"{path}: ready ({time.perf_counter() - started:.1f} s)")


@app.command("run")
@reports_bad_input
def run_command(
    scenario_path: Path = typer.Argument(..., metavar="SCENARIO.yaml", help="Scenario file."),
    output: Optional[Path] = typer.Option(None, "-o", "--output", metavar="DIR",
                                          help="Output directory (overrides output.directory)."),
    particles: Optional[int] = typer.Option(None, "--particles", metavar="N",
                                            help="Number of particles (overrides particles.count)."),
    seed: Optional[int] = typer.Option(None, "--seed", metavar="S", help="Random seed (overrides particles.seed)."),
    threads: Optional[int] = typer.Option(
        None, "--threads", min=1, metavar="N",
        help="Number of threads (default: the cores shared among the plume runs now running on this machine; "
             "PLUME_THREADS or OMP_NUM_THREADS set it too)."),
    quiet: bool = typer.Option(False, "--quiet", "-q", help="No progress bar."),
    settings: Optional[list[str]] = typer.Option(None, "--set", metavar="KEY.PATH=VALUE", help=_SET_HELP),
    overlay_label: Optional[str] = typer.Option(None, "--overlay-label", metavar="PROPERTY",
                                                help=_LABEL_HELP + " For output.overlays, with output.maps."),
    resume: bool = typer.Option(False, "--resume",
                                help="Continue from the last checkpoint (output.checkpoint_every_h) of this "
                                     "scenario, if there is one; the result is the same as an uninterrupted run's."),
):
    """Run a scenario: write <output.directory>/<name>.nc, its metrics (CSV, JSON) and, when asked,
    trajectories and maps."""
    import numba

    from .solver import run
    from .summary import summary_lines
    from .threads import registered

    scenario = _load(scenario_path, output, particles, seed, settings)
    if threads is not None and threads > numba.config.NUMBA_NUM_THREADS:
        raise PlumeError(f"--threads: {threads} is more than the {numba.config.NUMBA_NUM_THREADS} "
                         "threads available (NUMBA_NUM_THREADS)")
    # a bad overlay fails before the run
    layers = _overlays(scenario.output.overlays, overlay_label) if scenario.output.maps else []
    target = Path(scenario.output.directory) / f"{scenario.name}.nc"
    maps: list[Path] = []

    def draw_maps(dataset, staged_nc: Path) -> None:  # into the result set: moved in with the .nc, or not at all
        from .maps import default_directory, make_maps

        folder = default_directory(staged_nc)
        maps.extend(target.parent / folder.name / p.name for p in make_maps(dataset, folder, layers))

    with registered() as shared:  # other plume runs see this one while it runs, and share the cores
        chosen = threads if threads is not None else min(shared, numba.config.NUMBA_NUM_THREADS)
        result = run(scenario, progress=not quiet, threads=chosen,
                     also_write=draw_maps if scenario.output.maps else None, resume=resume, load=False)
    for line in summary_lines(result):
        typer.echo(line)
    result.dataset.close()
    for path in maps:
        typer.echo(f"  map: {path}")


def _overlays(paths, label_property: Optional[str] = None):
    if not paths:
        return []
    from .maps import load_overlay

    return [load_overlay(p, label_property) for p in paths]


@app.command("map")
@reports_bad_input
def map_command(
    result_path: Path = typer.Argument(..., metavar="RESULT.nc", help="Result file of `plume run`."),
    output: Optional[Path] = typer.Option(None, "-o", "--output", metavar="DIR",
                                          help="Folder for the figures (default: <name>_maps/ beside the result)."),
    overlay: Optional[list[Path]] = typer.Option(None, "--overlay", metavar="FILE",
                                                 help="GeoJSON or shapefile of areas to draw (repeatable)."),
    overlay_label: Optional[str] = typer.Option(None, "--overlay-label", metavar="PROPERTY", help=_LABEL_HELP),
):
    """Draw the impact maps of a run: PNG figures and a GIF of near-bed SSC; of an ensemble file
    (`plume ensemble`), its exceedance-probability maps."""
    from .ensemble import is_ensemble_file
    from .maps import ANIMATION, FIGURES, default_directory, make_maps, open_result
    from .resultset import check_targets, result_set

    layers = _overlays(overlay, overlay_label)
    if is_ensemble_file(result_path):
        from .maps.probability import PROBABILITY_FIGURES, make_probability_maps, open_ensemble

        ds, names, draw = open_ensemble(result_path), list(PROBABILITY_FIGURES), make_probability_maps
    else:
        ds, names, draw = open_result(result_path), [*FIGURES, ANIMATION], make_maps
    folder = output if output is not None else default_directory(result_path)
    check_targets(folder, names)
    with result_set(folder, names, what="maps") as staged:  # all the figures replace the earlier ones, or none
        written = [staged.final(p) for p in draw(ds, staged.staging, layers)]
    for path in written:
        typer.echo(str(path))


@app.command("compare")
@reports_bad_input
def compare_command(
    results: list[Path] = typer.Argument(..., metavar="A.nc B.nc ...",
                                         help="Result files of `plume run` (or ensemble files)."),
    output: Path = typer.Option(Path("."), "-o", "--output", metavar="DIR",
                                help="Folder for comparison.csv and comparison.md."),
    maps: bool = typer.Option(False, "--maps", help="Also draw the comparison figures into the folder."),
    overlay: Optional[list[Path]] = typer.Option(None, "--overlay", metavar="FILE",
                                                 help="GeoJSON or shapefile of areas to draw on the deposit "
                                                      "panels (repeatable; with --maps)."),
    overlay_label: Optional[str] = typer.Option(None, "--overlay-label", metavar="PROPERTY", help=_LABEL_HELP),
):
    """Compare runs: their impact metrics side by side, as a table, CSV and Markdown (one row per metric).
    An ensemble file (plume ensemble) counts as one run: the median of each metric over its members."""
    from .compare import compare
    from .resultset import check_targets, result_set

    if overlay and not maps:
        raise PlumeError("--overlay draws on the comparison figures: add --maps")
    if maps:
        from .ensemble import is_ensemble_file

        for path in results:
            if is_ensemble_file(path):
                raise PlumeError(f"--maps: {path} is an ensemble file; the comparison figures draw runs "
                                 "(plume map draws an ensemble's probability maps)")
    layers = _overlays(overlay, overlay_label)  # a bad overlay fails before anything is written
    comparison = compare(results)
    typer.echo(comparison.text())
    names = ["comparison.csv", "comparison.md", "comparison_deposit.png", "comparison_metrics.png"]
    check_targets(output, names)
    with result_set(output, names, what="compare") as staged:  # table and figures of one comparison, or none
        written = list(comparison.write(staged.staging))
        if maps:
            try:
                from .maps import comparison_figures
            except ImportError as err:
                raise PlumeError(f"--maps: the figures are not available ({err})") from None
            written += comparison_figures(comparison.datasets, comparison.labels, staged.staging,
                                          table=comparison.area_frame(), overlays=layers)
        written = [staged.final(p) for p in written]
    for path in written:
        typer.echo(f"  wrote {path}")


@app.command("ensemble")
@reports_bad_input
def ensemble_command(
    sweep_path: Path = typer.Argument(..., metavar="SWEEP.yaml", help="Sweep file (docs/ensembles.md)."),
    scheduler: Optional[str] = typer.Option(None, "--scheduler", metavar="ADDRESS",
                                            help="Submit to this running dask scheduler, e.g. tcp://host:8786 "
                                                 "(default: start a local cluster)."),
    workers: Optional[int] = typer.Option(None, "--workers", min=1, metavar="N",
                                          help="Worker processes of the local cluster, one thread each "
                                               "(default: the cores this process may use)."),
    output: Optional[Path] = typer.Option(None, "-o", "--output", metavar="DIR",
                                          help="Output folder (overrides the sweep's directory)."),
    quiet: bool = typer.Option(False, "--quiet", "-q", help="No progress bar."),
):
    """Run a sweep of scenarios as dask tasks: write <DIR>/<name>.nc (members, exceedance probabilities,
    metric percentiles) and each member's result set in <DIR>/<name>_members/."""
    from .ensemble import MembersFailed, run_ensemble

    if scheduler and workers is not None:
        raise PlumeError("--workers sizes the local cluster; with --scheduler the cluster's own workers run "
                         "the members: leave one of them out")
    result = run_ensemble(sweep_path, scheduler=scheduler, workers=workers,
                          output=None if output is None else output.resolve(), progress=not quiet)
    outcome = result.outcome
    planned = len(result.members)
    typer.echo(f"{len(outcome.finished)} of {planned} members finished"
               + (f"; ensemble: {result.path}" if result.path else ""))
    if result.members:
        typer.echo(f"  members' results: {result.members[0].scenario.output.directory}")
    if outcome.failed:
        named = "; ".join(f"{name} ({error})" for name, error in outcome.failed.items())
        kept = (f"the ensemble file holds the {len(outcome.finished)} that finished" if result.path
                else "no ensemble file was written")
        raise MembersFailed(f"{len(outcome.failed)} of {planned} members failed after their retries: {named}; "
                            f"{kept}")


def main() -> None:  # pragma: no cover - console entry point
    app()
