"""Run an ensemble's members as dask.distributed tasks, on a LocalCluster or on a cluster already running.

Each member is one task: it runs plume.solver.run on the member's scenario, writes the member's result
set (<name>.nc and its metrics) into the members' folder and returns what the products need
(plume.ensemble.products.member_summary). A member that fails is run again (dask's `retries=`); one
that still fails is reported with its error and left out of the products, never dropped silently.

Threads: a LocalCluster has one single-threaded worker process per member running at once, and each
member's numba kernels use plume.threads.default_threads(): 1 under dask's nanny, which sets
OMP_NUM_THREADS=1 for its workers (PLUME_THREADS on the workers overrides it). Two runs on one core
each beat two runs sharing both cores (plume/threads.py measures it).
"""
from __future__ import annotations

import logging
import uuid
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import PlumeError

CONNECT_TIMEOUT_S = 10


class MembersFailed(PlumeError):
    """Some members failed after their retries: a fault of the run (exit 1); the others' results stand."""

    exit_code = 1


@dataclass
class Outcome:
    """The members that finished (with their summaries, in member order) and those that failed."""

    finished: list = field(default_factory=list)  # of plume.ensemble.sweep.Member
    summaries: list = field(default_factory=list)
    failed: dict = field(default_factory=dict)  # member name -> error, one line


def run_member(scenario) -> dict:
    """The task of one member (runs on a worker): run it, write its result set, return its summary."""
    from ..solver import run
    from ..threads import default_threads
    from .products import member_summary

    result = run(scenario, progress=False, threads=default_threads())
    return member_summary(result.dataset)


def describe(err: BaseException) -> str:
    """An error as one line: plume's own errors say it all; anything else is named by its type."""
    text = " ".join(str(err).split())
    return text if isinstance(err, PlumeError) and text else f"{type(err).__name__}: {text or 'no message'}"


@contextmanager
def cluster_client(scheduler: str | None = None, workers: int | None = None):
    """A dask Client: to the scheduler at `scheduler`, or to a new LocalCluster of `workers` single-threaded
    worker processes (default: the cores this process may use), closed on leaving."""
    try:
        from dask.distributed import Client, LocalCluster
    except ImportError as err:
        raise PlumeError(f"plume ensemble needs dask.distributed ({err}): pip install distributed") from None

    from ..threads import cores_available

    if scheduler:
        try:
            client = Client(scheduler, timeout=f"{CONNECT_TIMEOUT_S}s")
        except (OSError, TimeoutError, ValueError) as err:
            raise PlumeError(f"--scheduler {scheduler}: cannot reach the dask scheduler ({describe(err)})") from None
        with client:
            yield client
        return
    n = workers or cores_available()
    # dashboard on a free port: the default :8787 may be another cluster's
    with LocalCluster(n_workers=n, threads_per_worker=1, processes=True, dashboard_address=":0",
                      silence_logs=logging.ERROR) as cluster, Client(cluster) as client:
        yield client


def submit_member(client, member, key: str, *, retries: int = 2, task=run_member, batches: int = 1):
    """The future of one member's summary: one task, or `batches` particle batches and a task that
    combines them and writes the member's result set (plume.ensemble.batches). A batch that fails
    after its retries fails the member, with the batch's error."""
    if batches <= 1:
        return client.submit(task, member.scenario, key=key, retries=retries, pure=False)
    from .batches import batch_scenarios, run_batch, write_member

    parts = batch_scenarios(member.scenario, batches)
    futures = [client.submit(run_batch, s, key=f"{key}-batch{b}", retries=retries, pure=False)
               for b, s in enumerate(parts)]
    return client.submit(write_member, member.scenario, [s.particles.count for s in parts], *futures, key=key,
                         retries=retries, pure=False)


def run_members(members, client, *, retries: int = 2, progress: bool = False, task=run_member,
                batches: int = 1) -> Outcome:
    """Submit every member to `client` as a task (`retries` more tries each; `batches` particle batches
    each when more than 1) and gather them as they finish, counting them on a progress bar.
    `task(scenario) -> summary` is run_member unless a caller wraps it."""
    from dask.distributed import as_completed
    from tqdm.auto import tqdm

    run_id = uuid.uuid4().hex[:8]
    futures = {submit_member(client, m, f"plume-{m.name}-{run_id}", retries=retries, task=task,
                             batches=batches): m for m in members}
    done: dict[int, dict] = {}
    failed: dict[str, str] = {}
    try:
        with tqdm(total=len(members), unit="member", desc="members", disable=not progress) as bar:
            for future in as_completed(futures):
                member = futures[future]
                if future.status == "finished":
                    done[member.index] = future.result()
                else:
                    failed[member.name] = describe(future.exception())
                    bar.set_postfix(failed=len(failed), refresh=False)
                bar.update(1)
    finally:
        for future in futures:  # an interrupt: stop what has not run yet
            future.cancel()
    finished = [m for m in members if m.index in done]
    return Outcome(finished, [done[m.index] for m in finished],
                   {m.name: failed[m.name] for m in members if m.name in failed})


def check_member_targets(members) -> None:
    """Before anything runs: every member's result files can be written (as plume run checks)."""
    from ..output import maps_folder_name, result_files
    from ..resultset import check_targets

    for m in members:
        path = Path(m.scenario.output.directory) / f"{m.scenario.name}.nc"
        check_targets(path.parent, result_files(path), [maps_folder_name(path)])
