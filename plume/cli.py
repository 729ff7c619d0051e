"""The `plume` command. Bad input ends with one clear line on stderr and exit status 2."""
from __future__ import annotations

import functools
from pathlib import Path
from typing import Optional

import typer

from .errors import PlumeError

app = typer.Typer(
    add_completion=False, no_args_is_help=True, pretty_exceptions_show_locals=False,
    rich_markup_mode=None,  # click's plain help: flags read as flags (rich help prints "<bool>" after them)
    help="plume: sediment plumes from deep-sea nodule mining (Lagrangian particles, CF-NetCDF out).",
)

EXIT_BAD_INPUT = 2


def _fail(message: str) -> None:
    typer.echo(f"plume: error: {message}", err=True)
    raise typer.Exit(EXIT_BAD_INPUT)


def reports_bad_input(command):
    """Turn PlumeError (bad scenario, bad data file) into one line and a non-zero exit."""

    @functools.wraps(command)
    def wrapper(*args, **kwargs):
        try:
            return command(*args, **kwargs)
        except PlumeError as err:
            _fail(str(err))
        except KeyboardInterrupt:
            typer.echo("plume: interrupted; nothing was written", err=True)
            raise typer.Exit(130)

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
    t = scenario.time
    typer.echo(
        f"{scenario_path}: ok: '{scenario.name}', {t.n_steps} steps of {t.step_s:g} s, "
        f"{t.n_outputs} output times, {simulation.particles.x_m.size} particles, "
        f"{len(scenario.sources)} source(s), grid {simulation.grid.nx} x {simulation.grid.ny} cells"
    )


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
):
    """Run a scenario: write <output.directory>/<name>.nc, its metrics (CSV, JSON) and, when asked, trajectories and maps."""
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
    with registered() as shared:  # other plume runs see this one while it runs, and share the cores
        chosen = threads if threads is not None else min(shared, numba.config.NUMBA_NUM_THREADS)
        result = run(scenario, progress=not quiet, threads=chosen)
    for line in summary_lines(result):
        typer.echo(line)
    if scenario.output.maps:
        from .maps import default_directory, make_maps

        for path in make_maps(result.dataset, default_directory(result.path), layers):
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
    """Draw the impact maps of a run: PNG figures and a GIF of near-bed SSC."""
    from .maps import default_directory, make_maps, open_result

    layers = _overlays(overlay, overlay_label)
    ds = open_result(result_path)
    for path in make_maps(ds, output if output is not None else default_directory(result_path), layers):
        typer.echo(str(path))


@app.command("compare")
@reports_bad_input
def compare_command(
    results: list[Path] = typer.Argument(..., metavar="A.nc B.nc ...", help="Result files of `plume run`."),
    output: Path = typer.Option(Path("."), "-o", "--output", metavar="DIR",
                                help="Folder for comparison.csv and comparison.md."),
    maps: bool = typer.Option(False, "--maps", help="Also draw the comparison figures into the folder."),
    overlay: Optional[list[Path]] = typer.Option(None, "--overlay", metavar="FILE",
                                                 help="GeoJSON or shapefile of areas to draw on the deposit "
                                                      "panels (repeatable; with --maps)."),
    overlay_label: Optional[str] = typer.Option(None, "--overlay-label", metavar="PROPERTY", help=_LABEL_HELP),
):
    """Compare runs: their impact metrics side by side, as a table, CSV and Markdown (one row per metric)."""
    from .compare import compare

    if overlay and not maps:
        raise PlumeError("--overlay draws on the comparison figures: add --maps")
    layers = _overlays(overlay, overlay_label)  # a bad overlay fails before anything is written
    comparison = compare(results)
    typer.echo(comparison.text())
    written = list(comparison.write(output))
    if maps:
        try:
            from .maps import comparison_figures
        except ImportError as err:
            raise PlumeError(f"--maps: the figures are not available ({err})") from None
        written += comparison_figures(comparison.datasets, comparison.labels, output, table=comparison.area_frame(),
                                      overlays=layers)
    for path in written:
        typer.echo(f"  wrote {path}")


def main() -> None:  # pragma: no cover - console entry point
    app()
