"""Ensembles: many runs of a scenario sweep on dask.distributed, combined into probability products.

``sweep``: the sweep file and its members (validated scenarios); ``run``: the members as dask tasks
(LocalCluster or a running cluster), retried and reported; ``batches``: a member split into particle
batches and combined; ``products``: the members combined into one CF-NetCDF with a ``member``
dimension, exceedance probabilities and metric percentiles.
docs/ensembles.md is the users' manual.

    run_ensemble("sweep.yaml") -> EnsembleResult (writes <directory>/<name>.nc and the members' results)
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from .products import combine, exceedance_probability, is_ensemble, is_ensemble_file, member_summary
from .run import MembersFailed, Outcome, cluster_client, run_member, run_members
from .sweep import Member, Sweep, expand, load_sweep

__all__ = ["run_ensemble", "EnsembleResult", "load_sweep", "expand", "Sweep", "Member", "run_members",
           "run_member", "cluster_client", "combine", "member_summary", "exceedance_probability",
           "is_ensemble", "is_ensemble_file", "MembersFailed", "Outcome", "ensemble_path"]


COMPILE_PARTICLES = 1000


@dataclass
class EnsembleResult:
    path: Path | None  # the ensemble file; None when no member finished
    members: list  # every member (plume.ensemble.sweep.Member)
    outcome: Outcome
    dataset: object = None  # xarray.Dataset of the products


def ensemble_path(sweep: Sweep, sweep_path: Path, output: Path | None = None) -> Path:
    """<directory>/<name>.nc: the sweep's directory (relative to the sweep file) or `output` (as given)."""
    folder = Path(output) if output is not None else Path(sweep_path).parent / sweep.directory
    return folder.resolve() / f"{sweep.name}.nc"


def compile_first(member, announce: bool = False) -> None:
    """Compile the first member's particle step here, once, before a local cluster starts: its workers
    then load it from numba's cache instead of each compiling the same kernels at once (minutes of
    every core on a fresh installation). On a few particles: the kernels do not depend on their number,
    and a member meant for particle batches may not fit here. A member that cannot be built is left to
    fail in its task."""
    import sys

    from ..errors import PlumeError
    from ..solver import COMPILE_NOTICE, Simulation

    def notice() -> None:
        print(COMPILE_NOTICE, file=sys.stderr, flush=True)

    try:
        few = member.scenario.with_overrides(particles=min(COMPILE_PARTICLES, member.scenario.particles.count))
        Simulation(few).compile(notice if announce else None)
    except PlumeError:
        pass


def run_ensemble(sweep_path, *, scheduler: str | None = None, workers: int | None = None,
                 output: Path | None = None, progress: bool = False, client=None, task=None) -> EnsembleResult:
    """Validate the sweep and every member, run the members as dask tasks, write the ensemble file.

    Members that fail after their retries are left out of the products and named in the file's
    `members_failed` attribute; the caller decides what to say (the CLI exits 1 naming them)."""
    from ..output import _creation_time, write_dataset
    from .run import check_member_targets

    sweep_path = Path(sweep_path)
    sweep, text = load_sweep(sweep_path)
    path = ensemble_path(sweep, sweep_path, output)
    members = expand(sweep, sweep_path, path.parent)  # every member validated before any runs
    check_member_targets(members)
    if client is None:
        if not scheduler:
            compile_first(members[0], progress)
        with cluster_client(scheduler, workers) as own:
            outcome = run_members(members, own, retries=sweep.retries, progress=progress,
                                  batches=sweep.batches, **({"task": task} if task else {}))
    else:
        outcome = run_members(members, client, retries=sweep.retries, progress=progress,
                              batches=sweep.batches, **({"task": task} if task else {}))
    if not outcome.finished:
        return EnsembleResult(None, members, outcome)
    now = _creation_time().isoformat()  # SOURCE_DATE_EPOCH when set, as for a run
    ds = combine(outcome.finished, outcome.summaries, sweep, text, outcome.failed,
                 history=f"{now} plume ensemble {sweep_path.name}")
    write_dataset(ds, path)
    return EnsembleResult(path, members, outcome, ds)
