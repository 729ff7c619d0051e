"""Resuspension: erosion of the deposit by the flow, and eroded mass back into the water.

Block: ``sediment.resuspension`` (optional): ``critical_stress_pa`` of the consolidated
deposit, ``fluff_critical_stress_pa`` of fresh deposit (null: the same),
``consolidation_time_h`` (e-folding time of fluff becoming consolidated; null: never),
``erosion_rate_kg_m2_s`` M and ``height_m`` (eroded mass re-enters the water up to this
height above the bed).

Erosion law (Partheniades 1965, J. Hydraul. Div. ASCE 91, 105-139): where the bed shear
stress tau exceeds a pool's critical stress tau_ce, the pool loses
E = M (tau / tau_ce - 1) kg m-2 s-1; M of 1e-5 to 1e-3 kg m-2 s-1 for muds (Winterwerp &
van Kesteren 2004, Introduction to the Physics of Cohesive Sediment, ch. 9).

Each output-grid cell holds two pools per sediment class: fresh fluff and consolidated
deposit. Fluff erodes first (it lies on top); eroded mass waits in `pending` until a whole
particle's worth of a class is ready, so particles carry equal masses and the budget
stays exact. These are per-cell kernels, not per-particle ones: serial loops, so sums do
not depend on the thread count. The deposit's pools live in plume.deposit.SeabedDeposit.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numba import njit

from ..scenario.sediment import Resuspension as Block  # noqa: F401

DRAW_SLOTS = ()  # new particles are placed with the run's own generator (plume.deposit)


@dataclass
class Params:
    """Erosion settings in SI units (stresses in Pa, M in kg m-2 s-1)."""

    fluff_critical_pa: float
    consolidated_critical_pa: float
    rate_kg_m2_s: float
    consolidation_time_s: float | None
    resuspension_height_m: float
    particle_mass_kg: np.ndarray  # (n_classes,) mass of each new particle



@njit(cache=True)
def consolidate(fluff_kg, consolidated_kg, fraction):
    """Move `fraction` of every fluff pool into the consolidated pool; returns kg moved."""
    moved = 0.0
    flat_f = fluff_kg.reshape(-1)
    flat_c = consolidated_kg.reshape(-1)
    for n in range(flat_f.size):
        m = flat_f[n] * fraction
        flat_f[n] -= m
        flat_c[n] += m
        moved += m
    return moved


@njit(cache=True, inline="always")
def _erode_pool(pool_kg, pending_kg, j, i, capacity_kg):
    """Take up to capacity_kg from one cell's pools (all classes, in proportion); returns kg taken."""
    n_classes = pool_kg.shape[0]
    total = 0.0
    for c in range(n_classes):
        total += pool_kg[c, j, i]
    if total <= 0.0 or capacity_kg <= 0.0:
        return 0.0
    share = min(capacity_kg / total, 1.0)
    taken = 0.0
    for c in range(n_classes):
        m = pool_kg[c, j, i] * share if share < 1.0 else pool_kg[c, j, i]
        pool_kg[c, j, i] -= m
        pending_kg[c, j, i] += m
        taken += m
    return taken


@njit(cache=True, inline="always")
def _cell_empty(pool_kg, j, i):
    for c in range(pool_kg.shape[0]):
        if pool_kg[c, j, i] > 0.0:
            return False
    return True


@njit(cache=True)
def erode(tau_pa, fluff_kg, consolidated_kg, pending_kg, fluff_critical_pa, consolidated_critical_pa,
          rate_kg_m2_s, cell_area_m2, dt):
    """Erode every cell for dt seconds into `pending_kg` (class, y, x); returns the kg eroded.

    The fluff lies on top: the consolidated deposit below erodes only where no fluff is
    left after this step's erosion, and only if the stress exceeds its own critical value.
    """
    ny, nx = tau_pa.shape
    eroded = 0.0
    for j in range(ny):
        for i in range(nx):
            tau = tau_pa[j, i]
            if tau <= fluff_critical_pa and tau <= consolidated_critical_pa:
                continue
            if tau > fluff_critical_pa:
                capacity = rate_kg_m2_s * (tau / fluff_critical_pa - 1.0) * cell_area_m2 * dt
                eroded += _erode_pool(fluff_kg, pending_kg, j, i, capacity)
            if tau > consolidated_critical_pa and _cell_empty(fluff_kg, j, i):
                capacity = rate_kg_m2_s * (tau / consolidated_critical_pa - 1.0) * cell_area_m2 * dt
                eroded += _erode_pool(consolidated_kg, pending_kg, j, i, capacity)
    return eroded


@njit(cache=True)
def particles_ready(pending_kg, quantum_kg):
    """The (pool, y, x) cells with at least one whole particle of quantum_kg[pool] pending, in C order:
    (pool, j, i, count) arrays. Sparse, so a step costs one pass over the pools and no dense array."""
    n_pools, ny, nx = pending_kg.shape
    n_ready = 0
    for c in range(n_pools):
        q = quantum_kg[c]
        for j in range(ny):
            for i in range(nx):
                if pending_kg[c, j, i] >= q:
                    n_ready += 1
    pool = np.empty(n_ready, dtype=np.int64)
    rows = np.empty(n_ready, dtype=np.int64)
    cols = np.empty(n_ready, dtype=np.int64)
    counts = np.empty(n_ready, dtype=np.int64)
    if n_ready == 0:
        return pool, rows, cols, counts
    n = 0
    for c in range(n_pools):
        q = quantum_kg[c]
        for j in range(ny):
            for i in range(nx):
                if pending_kg[c, j, i] >= q:
                    pool[n], rows[n], cols[n] = c, j, i
                    counts[n] = int(pending_kg[c, j, i] // q)
                    n += 1
    return pool, rows, cols, counts


def params_from_scenario(scenario, particle_mass_kg) -> "Params | None":
    """Erosion settings in SI units; particle_mass_kg (n_classes,) is each new particle's mass."""
    block = scenario.sediment.resuspension
    if block is None:
        return None
    hours = block.consolidation_time_h
    fluff = block.fluff_critical_stress_pa if block.fluff_critical_stress_pa is not None else block.critical_stress_pa
    return Params(float(fluff), float(block.critical_stress_pa), float(block.erosion_rate_kg_m2_s),
                  None if hours is None else float(hours) * 3600.0, float(block.height_m),
                  np.asarray(particle_mass_kg, dtype=float))
