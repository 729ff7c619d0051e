"""Shorter compilation of the fused step: numba's copy propagation without its deep copies.

numba's copy propagation (``numba.core.ir_utils.copy_propagate``, which the parallel passes run
over the whole body of a ``prange`` loop several times) snapshots its data-flow state with
``copy.deepcopy`` on every round of its fixed-point loop, and ``find_potential_aliases`` does the
same with its alias map. Both states are dicts whose values are sets of variable names (str) or
of (name, name) tuples: immutable items, so copying each set gives the same value a deep copy
gives, and the same items. On the fused step (plume.kernels.step, one loop body of thousands of IR
statements once its helpers are inlined) the deep copies were about half of numba's time for the
step: cProfile of its compilation (numba 0.68.1) put 110 of 211 profiled seconds in
``copy_propagate``'s deep copies. The same waste is reported upstream (numba issues #5424 and
#8989 for the deep copies of inlining).

``install()`` gives ``numba.core.ir_utils`` a ``copy`` module whose ``deepcopy`` copies such dicts
set by set and hands anything else to ``copy.deepcopy``. The compiled machine code is unchanged:
the step's assembly with and without it was compared once by hand (identical once the gufunc's
address in its symbol name is masked), and tests/test_compile_time.py compares a small parallel
kernel's on every test run. Set
``PLUME_NUMBA_DEEPCOPY=1`` to leave numba as it is.
"""
from __future__ import annotations

import copy
import os
import types
from itertools import chain

_ATOMS = frozenset({str, int})
_ITEMS = _ATOMS | {tuple}


def _all_atoms(value) -> bool:
    """Every item of the set a name (str or int) or a tuple of names (checked with C-level maps: the
    sets hold up to tens of thousands of items)."""
    kinds = set(map(type, value))
    if not kinds <= _ITEMS:
        return False
    if tuple not in kinds:
        return True
    tuples = value if kinds == {tuple} else [item for item in value if type(item) is tuple]
    return set(map(type, chain.from_iterable(tuples))) <= _ATOMS


def _copies_set_by_set(obj) -> bool:
    """True for a dict of sets (or frozensets) of names or tuples of names."""
    if type(obj) is not dict:
        return False
    return all(type(value) in (set, frozenset) and _all_atoms(value) for value in obj.values())


def deepcopy(obj, memo=None, _nil=[]):  # noqa: B006  (copy.deepcopy's own signature)
    """copy.deepcopy, with a dict of sets of immutable names copied set by set (the same value)."""
    if _copies_set_by_set(obj):
        return {key: type(value)(value) for key, value in obj.items()}
    return copy.deepcopy(obj, memo, _nil)


def install() -> bool:
    """Use this module's deepcopy in numba's IR utilities; False where it is switched off or numba
    has no such module (then nothing changes)."""
    if os.environ.get("PLUME_NUMBA_DEEPCOPY"):
        return False
    try:
        from numba.core import ir_utils
    except ImportError:
        return False
    if getattr(ir_utils.copy, "__name__", "") == __name__:
        return True
    shim = types.ModuleType(__name__)
    shim.__dict__.update({name: getattr(copy, name) for name in dir(copy) if not name.startswith("__")})
    shim.deepcopy = deepcopy
    shim.__name__ = __name__
    ir_utils.copy = shim
    return True
