"""numba's copy propagation without deep copies (plume.kernels.compile_time): the same values, the same
machine code, and numba really goes through it."""
import copy
import json
import os
import re
import subprocess
import sys

import numba.core.ir_utils

import plume.kernels  # noqa: F401  (installs it)
from plume.kernels import compile_time


def test_dicts_of_name_sets_are_copied_set_by_set_to_the_value_a_deep_copy_gives():
    copies = {0: {("a", "b"), ("c", "$d.1")}, 4: set(), 7: {("x", "y")}}
    aliases = {"a": {"b", "c"}, "b": {"a"}}
    for state in (copies, aliases):
        copied = compile_time.deepcopy(state)
        assert copied == copy.deepcopy(state)
        assert all(copied[key] is not state[key] for key in state)  # new sets: the snapshot is not mutated later
        state[next(iter(state))].add(("late", "item"))
        assert copied != state


def test_anything_else_is_deep_copied_as_before():
    class Box:
        def __init__(self, value):
            self.value = value

    for state in ({0: [1, 2]}, {0: {Box(1)}}, {0: {(1.5, "a")}}, [{"a"}], {0: {("a", ("b",))}}):
        copied = compile_time.deepcopy(state)
        assert not compile_time._copies_set_by_set(state)
        assert type(copied) is type(state)
    box = Box([1])
    copied = compile_time.deepcopy({0: {box}})
    assert next(iter(copied[0])) is not box  # a mutable item is copied, not shared


def test_numba_uses_it():
    assert numba.core.ir_utils.copy.deepcopy is compile_time.deepcopy


CHILD = r"""
import json, re
from plume.kernels import compile_time
from numba import njit, prange
import numpy as np

calls = [0]
inner = compile_time._copies_set_by_set
def counted(obj):
    used = inner(obj)
    calls[0] += used
    return used
compile_time._copies_set_by_set = counted

@njit(inline="always")
def helper(a, b):
    if a > b:
        return a - b, 1
    return b * a, 0

@njit(parallel=True)
def kernel(x, y, out):
    for p in prange(x.size):
        d, k = helper(x[p], y[p])
        e = d
        for s in range(3):
            e = e + helper(e, d)[0] * 0.5
        out[p] = e if k else -e

x = np.linspace(0, 1, 16)
kernel(x, x[::-1].copy(), np.empty(16))
asm = kernel.inspect_asm(kernel.signatures[0])
print(json.dumps({"asm": re.sub("0x[0-9a-f]+", "0x", asm), "fast_copies": calls[0]}))
"""


def compile_small_parallel_kernel(plain_numba: bool) -> dict:
    env = dict(os.environ, PYTHONHASHSEED="0")
    env.pop("PLUME_NUMBA_DEEPCOPY", None)
    if plain_numba:
        env["PLUME_NUMBA_DEEPCOPY"] = "1"
    done = subprocess.run([sys.executable, "-c", CHILD], capture_output=True, text=True, env=env, check=True)
    return json.loads(done.stdout.strip().splitlines()[-1])


def test_the_machine_code_is_the_same_with_and_without_it():
    patched = compile_small_parallel_kernel(plain_numba=False)
    plain = compile_small_parallel_kernel(plain_numba=True)
    assert patched["fast_copies"] > 0  # numba's copy propagation went through the set-by-set copy
    assert plain["fast_copies"] == 0  # switched off: numba as it is
    assert re.search(r"numba_parfor_gufunc", patched["asm"])  # the parallel body is in what is compared
    assert patched["asm"] == plain["asm"]
