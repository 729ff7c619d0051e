"""Ctrl-C and SIGTERM: both stop a run the same way, and neither can cut a file write in half or hang it.

xarray guards every netCDF4 call with a lock; a KeyboardInterrupt raised while the lock is held leaves
the file's close waiting on that same lock, and the process hangs until a second Ctrl-C. So writes run
with the two signals held back (``interrupts_deferred``): the write finishes (seconds), then the
interrupt acts. A second signal during a held write stops the process at once; what it leaves is a
staging folder that the next run of the same result removes (plume.resultset).
"""
from __future__ import annotations

import os
import signal
import threading
from contextlib import contextmanager

HELD = (signal.SIGINT, signal.SIGTERM)


class Terminated(KeyboardInterrupt):
    """SIGTERM (kill, a batch system's time limit), handled like Ctrl-C."""


def exit_status(interrupt: KeyboardInterrupt) -> int:
    """The shell's convention: 128 + the signal number (130 for Ctrl-C, 143 for SIGTERM)."""
    return 128 + (signal.SIGTERM if isinstance(interrupt, Terminated) else signal.SIGINT)


def _raise_terminated(signum, frame):
    raise Terminated()


def handle_sigterm_like_ctrl_c() -> None:
    """From now on SIGTERM raises Terminated, a KeyboardInterrupt (main thread only: Python's rule)."""
    if threading.current_thread() is threading.main_thread():
        signal.signal(signal.SIGTERM, _raise_terminated)


_holding = 0  # nesting depth of interrupts_deferred


@contextmanager
def interrupts_deferred():
    """Hold SIGINT and SIGTERM back until the block ends, then raise them (as KeyboardInterrupt or
    Terminated). A second signal while held ends the process at once with status 128 + signal."""
    global _holding
    if _holding or threading.current_thread() is not threading.main_thread():
        _holding += 1
        try:
            yield
        finally:
            _holding -= 1
        return
    pending: list[int] = []

    def hold(signum, frame):
        if pending:  # asked twice: the user means it
            os.write(2, b"plume: interrupted again; stopped at once (the next run removes the temporaries)\n")
            os._exit(128 + signum)
        pending.append(signum)

    previous = {s: signal.getsignal(s) for s in HELD}
    for s in HELD:
        signal.signal(s, hold)
    _holding = 1
    try:
        yield
    finally:
        _holding = 0
        for s, handler in previous.items():
            signal.signal(s, handler)
    if pending:
        raise Terminated() if pending[0] == signal.SIGTERM else KeyboardInterrupt()
