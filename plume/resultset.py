"""A result set (the .nc, its metrics, trajectories and maps) written as a unit: all of it or none of it.

Everything is written into a staging folder beside the targets, ``.<key>.XXXX.plume-staging``, and
moved in at the end under a lock on the output folder, so that

- an interrupted or failed run leaves the earlier set exactly as it was (the staging folder is removed);
- two runs of the same result commit one after the other: the folder holds one run's whole set;
- members of the earlier set that the new run does not write (trajectories, maps) are removed with it,
  so files of two runs are never mixed;
- a process killed outright (SIGKILL, power) leaves at most its staging folder; the next run in the
  folder removes it, or, when the kill came in the middle of moving a finished set in, completes the
  move (the set was whole: a ``.complete`` list names its members, written before the first move).

A staging folder belongs to a live process while that process holds a lock (flock) on its ``.owner``
file; the kernel drops the lock when the process dies, whatever killed it.
"""
from __future__ import annotations

import errno
import fcntl
import os
import shutil
import tempfile
from contextlib import contextmanager
from pathlib import Path

from .errors import OutputError, PlumeError
from .signals import interrupts_deferred

STAGING_SUFFIX = ".plume-staging"
COMPLETE = ".complete"
OWNER = ".owner"
ASIDE = ".old"

# what this process has moved into place (the CLI reports it when a later step is interrupted or fails)
committed: list[Path] = []


def _describe(err: BaseException) -> str:
    if isinstance(err, OSError):
        reason = err.strerror or str(err)
        return "the disk is full" if err.errno == errno.ENOSPC else reason
    return f"{type(err).__name__}: {err}".strip().rstrip(":")


def _disk_full(folder: Path) -> bool:
    try:
        return shutil.disk_usage(folder).free == 0
    except OSError:
        return False


@contextmanager
def _folder_locked(folder: Path):
    """An exclusive flock on the folder itself: no lock file is left behind in the user's folder."""
    fd = os.open(folder, os.O_RDONLY)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)  # closing drops the lock


def _owner_alive(staging: Path) -> bool:
    try:
        fd = os.open(staging / OWNER, os.O_RDONLY)
    except OSError:
        return False  # never got an owner: created and killed in the same instant
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        return False
    except BlockingIOError:
        return True
    finally:
        os.close(fd)


def _write_list(staging: Path, members: list[str], written: list[str]) -> None:
    """The list that marks a staged set whole: every member, and whether this run wrote it."""
    lines = "".join(f"{'+' if m in written else '-'}{m}\n" for m in members)
    (staging / COMPLETE).write_text(lines, encoding="utf-8")


def _members_listed(staging: Path) -> tuple[list[str], list[str]] | None:
    """(members, written) of a whole staged set; None while it is still being written."""
    try:
        lines = [m for m in (staging / COMPLETE).read_text(encoding="utf-8").split("\n") if m]
    except OSError:
        return None
    return [m[1:] for m in lines], [m[1:] for m in lines if m[0] == "+"]


def _move_in(staging: Path, folder: Path, members: list[str], written: list[str]) -> None:
    """Move the staged `written` members into `folder`; move every existing member aside first (a folder
    cannot be replaced by a rename). Repeatable: a second call after a kill finishes the first."""
    aside = staging / ASIDE
    aside.mkdir(exist_ok=True)
    for name in members:
        target, new, old = folder / name, staging / name, aside / name
        present = target.exists() or target.is_symlink()
        if name in written and not (new.exists() or new.is_symlink()):
            continue  # moved in before the kill
        if present:
            if old.exists() or old.is_symlink():
                _remove(target)
            else:
                os.rename(target, old)
        if name in written:
            os.rename(new, target)
    _sync(folder)


def _sync(folder: Path) -> None:
    try:
        fd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)
    except OSError:
        pass  # some file systems cannot sync a folder; the renames are done all the same


def _remove(path: Path) -> None:
    if path.is_dir() and not path.is_symlink():
        shutil.rmtree(path, ignore_errors=True)
    else:
        path.unlink(missing_ok=True)


def clean_up_after_killed_runs(folder: Path) -> None:
    """Remove staging folders of dead processes, completing the one that was being moved in (call under
    the folder lock)."""
    for staging in sorted(folder.glob(f".*{STAGING_SUFFIX}")):
        if not staging.is_dir() or _owner_alive(staging):
            continue
        listed = _members_listed(staging)
        try:
            if listed is not None:
                _move_in(staging, folder, *listed)
        except OSError:
            continue  # left for a later run; this run's own set does not depend on it
        shutil.rmtree(staging, ignore_errors=True)


class ResultSet:
    """The staging folder of one result set; write member `name` to ``path(name)``."""

    def __init__(self, folder: Path, members: list[str], staging: Path):
        self.folder, self.members, self.staging = folder, members, staging

    def path(self, name: str) -> Path:
        if name not in self.members:
            raise ValueError(f"{name} is not a member of this result set")
        return self.staging / name

    def final(self, staged: Path) -> Path:
        """Where a staged path will be once the set is moved in."""
        return self.folder / Path(staged).relative_to(self.staging)


def check_targets(folder: Path, files: list[str], folders: list[str] = ()) -> None:
    """Before a run: the folder can be written, and no member's name is taken by the wrong kind of thing."""
    folder = Path(folder)
    try:
        folder.resolve(strict=False)
    except (RuntimeError, OSError):
        raise PlumeError(f"output.directory: {folder} is a loop of symbolic links") from None
    probe = folder
    try:
        while not probe.exists() and probe != probe.parent:
            if probe.is_symlink():  # a dangling link or a loop
                raise PlumeError(f"output.directory: {probe} is a broken symbolic link or a loop of them")
            probe = probe.parent
        if not probe.is_dir() or not os.access(probe, os.W_OK | os.X_OK):
            raise PlumeError(f"output.directory: cannot write to {folder} ({probe} is not a writable folder)")
        for name in files:
            target = folder / name
            if target.is_dir():
                raise PlumeError(f"output: {target} is a folder; plume cannot write its result file there")
        for name in folders:
            target = folder / name
            if target.exists() and not target.is_dir():
                raise PlumeError(f"output: {target} is a file; plume writes a folder of maps there")
            if target.is_dir():
                foreign = [p.name for p in target.iterdir()
                           if not p.name.startswith(".") and p.suffix.lower() not in (".png", ".gif")]
                if foreign:
                    raise PlumeError(f"output: {target} holds files plume did not write ({foreign[0]}); "
                                     "move them, or choose another output folder")
    except OSError as err:  # a name over 255 bytes, a path through a file, ...
        raise PlumeError(f"output.directory: cannot use {folder}: {err.strerror or err}") from None


def _make_folder(folder: Path, what: str) -> None:
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as err:
        raise OutputError(f"{what}: cannot create {folder}: {_describe(err)}; nothing was written") from None


def _kept(folder: Path, members: list[str]) -> str:
    there = [m for m in members if (folder / m).exists()]
    return f"; the earlier {', '.join(there)} in {folder} are unchanged" if there else ""


@contextmanager
def result_set(folder: Path, members: list[str], what: str = "output"):
    """Write a result set as a unit: yields a ResultSet; its staged members are moved into `folder`
    together when the block ends without error (see the module's docstring)."""
    folder = Path(folder)
    _make_folder(folder, what)
    staging = owner = None
    try:  # from before the staging folder exists: a signal held while making it is raised inside this try
        with interrupts_deferred(), _folder_locked(folder):
            # staging and its owner lock are made under the folder lock: another run's clean-up (always
            # under that lock) never sees a staging folder without a live owner
            clean_up_after_killed_runs(folder)
            try:
                staging = Path(tempfile.mkdtemp(prefix=f".{members[0]}.", suffix=STAGING_SUFFIX, dir=folder))
                owner = open(staging / OWNER, "w")
            except OSError as err:
                raise OutputError(f"{what}: cannot write in {folder}: {_describe(err)}; nothing was written") from None
            fcntl.flock(owner, fcntl.LOCK_EX)
        try:
            yield ResultSet(folder, members, staging)
        except KeyboardInterrupt:
            raise
        except PlumeError as err:  # e.g. a map that cannot be drawn: say what became of the set
            raise type(err)(f"{err}; nothing was written{_kept(folder, members)}") from None
        except (OSError, RuntimeError, MemoryError) as err:  # disk full, quota, HDF error, ...
            reason = "the disk is full" if _disk_full(folder) else _describe(err)
            raise OutputError(f"{what}: could not write the result set in {folder} ({reason}); nothing was "
                              f"written{_kept(folder, members)}") from None
        # anything else the block wrote is part of the set too (never silently left behind)
        extra = sorted(p.name for p in staging.iterdir() if not p.name.startswith(".") and p.name not in members)
        members = [*members, *extra]
        written = [m for m in members if (staging / m).exists()]
        with interrupts_deferred(), _folder_locked(folder):
            try:
                clean_up_after_killed_runs(folder)
                _write_list(staging, members, written)
                _move_in(staging, folder, members, written)
            except OSError as err:
                raise OutputError(f"{what}: could not move the result set into {folder} ({_describe(err)}); "
                                  "the next plume run in that folder completes or removes it") from None
            shutil.rmtree(staging, ignore_errors=True)  # still under the lock and still its owner
            committed.extend(folder / m for m in written)
    finally:
        # not interrupted half-way: a signal here is raised once the temporaries are gone (a fresh-check run
        # once left a staging folder behind, with a SIGTERM that came while it was being made)
        with interrupts_deferred():
            if staging is not None and _members_listed(staging) is None:  # not whole: never to be moved in
                shutil.rmtree(staging, ignore_errors=True)
            if owner is not None:
                owner.close()
