"""Random-draw slots: draw ``slot`` of step n is counter ``n * MAX_DRAWS + slot`` of a particle's stream.

Each process owns fixed slots (its module's ``DRAW_SLOTS``); a process that needs a
variable number of draws in a step (sub-steps) takes them from its own sub-stream,
``substream(stream, slot)``, at counter ``n * MAX_SUBSTEPS + i``. Nothing is shared, so
switching a process on or off, or adding one, leaves every other process's numbers as
they were.
"""
import numpy as np
from numba import njit

from ..kernels.random import mix64

MAX_DRAWS = 16  # slots per step; 0-4 are taken (see each process's DRAW_SLOTS)
MAX_SUBSTEPS = 64  # the most sub-steps a process may take in one step

_SUBSTREAM = np.uint64(0xD1B54A32D192ED03)


@njit(cache=True, inline="always")
def substream(stream, slot):
    """A particle's sub-stream for one slot (independent of the main stream and of other slots)."""
    return mix64(stream ^ (_SUBSTREAM * np.uint64(slot + 1)))
