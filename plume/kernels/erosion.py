"""Erosion of the deposit grid (Partheniades 1965): where the bed shear stress tau exceeds a
pool's critical stress tau_ce, the pool loses E = M (tau / tau_ce - 1) kg m-2 s-1.

Each cell holds two pools per sediment class: fresh fluff and consolidated deposit.
Fluff erodes first (it lies on top); eroded mass waits in `pending` until a whole
particle's worth of a class is ready, so particles carry equal masses and the
budget stays exact. Serial loops, so sums do not depend on the thread count.
"""
import numpy as np
from numba import njit


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
    """Number of whole particles of quantum_kg[c] ready in each (class, y, x) cell."""
    n_classes, ny, nx = pending_kg.shape
    counts = np.zeros((n_classes, ny, nx), dtype=np.int64)
    for c in range(n_classes):
        q = quantum_kg[c]
        for j in range(ny):
            for i in range(nx):
                if pending_kg[c, j, i] >= q:
                    counts[c, j, i] = int(pending_kg[c, j, i] // q)
    return counts
