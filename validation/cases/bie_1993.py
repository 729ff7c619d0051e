"""The 1993 Benthic Impact Experiment (BIE) in the CCZ (Trueblood & Ozturgut 1997; Aleynik et al. 2017, Sci. Rep. 7).

Published: about 1,427 t of sediment were put in suspension over 19 days by a 6 m-wide benthic
disturber towed in 49 parallel rows inside a 3,300 m by 150 m box.

Known inputs: the mass, the duration, the width, the box and the number of rows.
Assumed: depth 4,500 m (flat), the disturber's discharge 5 m above the bed, a constant release rate
(1,427 t over 19 days, 0.87 kg/s) at a constant towing speed that covers the 49 rows in 19 days,
the CCZ preset currents, the default boundary layer and the three default sediment classes.

Checks: the mass budget closes (released = suspended + deposited + exited at every output, to
round-off) and the released mass is 1,427 t. Reported: the mean deposit thickness inside the box
and in a 500 m band around it, to set against the published blanket thickness. That published
value was not available to this session in a form we could verify, so it is reported, not
compared (no verdict is given on it).
"""
from __future__ import annotations

import numpy as np

from plume.solver import run as run_model

from ..common import CaseResult, Timer, figure, save, scenario

MASS_KG, DAYS, ROWS, BOX_L_M, BOX_W_M, WIDTH_M = 1.427e6, 19.0, 49, 3300.0, 150.0, 6.0
SETTLE_DAYS = 2.0
DEPTH_M = 4500.0


def build(count, step_s):
    rate = MASS_KG / (DAYS * 86400.0)
    spacing = (BOX_W_M - WIDTH_M) / (ROWS - 1)
    speed = ROWS * BOX_L_M / (DAYS * 86400.0)
    return scenario(
        name="bie-1993",
        time={"duration_h": (DAYS + SETTLE_DAYS) * 24, "step_s": step_s, "output_every_s": 86400},
        bathymetry={"flat_depth_m": DEPTH_M},
        currents={"synthetic": {"preset": "ccz"}, "bed_stress": {"law": "log", "reference_height_m": 1.0}},
        turbulence={"horizontal_m2_s": 0.1, "vertical": {"profile": "boundary_layer", "thickness_m": 20,
                                                         "background_m2_s": 1e-4}},
        sediment={"classes": [{"name": "fine", "mass_fraction": 0.5, "settling_m_s": 1.0e-4},
                              {"name": "silt", "mass_fraction": 0.3, "diameter_um": 20},
                              {"name": "coarse", "mass_fraction": 0.2, "diameter_um": 63}]},
        sources=[{"kind": "collector", "name": "disturber", "start_h": 0, "stop_h": DAYS * 24, "rate_kg_s": rate,
                  "release_height_m": 5.0, "release_width_m": WIDTH_M,
                  "track": {"origin_m": [-BOX_L_M / 2, BOX_W_M / 2 - WIDTH_M / 2], "heading_deg": 90, "lanes": ROWS,
                            "lane_length_m": BOX_L_M, "lane_spacing_m": spacing, "speed_m_s": speed}}],
        particles={"count": count, "seed": 19},
        grid={"resolution_m": 25, "extent_m": [-4000, 4000, -5000, 3000], "layers_above_bed_m": [0, 2]},
    )


def run(folder, reduced=False) -> CaseResult:
    res = CaseResult("bie_1993", "Benthic Impact Experiment 1993", "field",
                     "Mass budget and mean deposit of a 19-day, 1,427 t benthic disturbance in a 3,300 m x 150 m box.")
    count = 8000 if reduced else 40000
    step_s = 1800.0 if reduced else 600.0
    with Timer() as timer:
        ds = run_model(build(count, step_s), write=False).dataset
    released = ds.mass_released.values
    residual = np.abs(released - (ds.mass_suspended + ds.mass_deposited + ds.mass_exited).values)
    worst = float(np.max(residual / np.maximum(released, 1.0)))
    res.check("largest budget residual over the outputs (relative)", worst, "0", worst, 1e-12)
    res.check("released mass (t)", released[-1] / 1000, "1427", (released[-1] - MASS_KG) / MASS_KG, 1e-9)
    thick_mm = ds.deposit_thickness[-1].values * 1000
    xx, yy = np.meshgrid(ds.x.values, ds.y.values)
    inside = (np.abs(xx) <= BOX_L_M / 2) & (np.abs(yy) <= BOX_W_M / 2)
    dx = np.maximum(np.abs(xx) - BOX_L_M / 2, 0)
    dy = np.maximum(np.abs(yy) - BOX_W_M / 2, 0)
    band = (~inside) & (np.hypot(dx, dy) <= 500.0)
    mean_in, mean_band = float(thick_mm[inside].mean()), float(thick_mm[band].mean())
    deposited = float(ds.mass_deposited[-1]) / released[-1]
    exited = float(ds.mass_exited[-1]) / released[-1]
    res.inputs = (f"{MASS_KG / 1000:g} t over {DAYS:g} days ({MASS_KG / (DAYS * 86400):.2f} kg/s), {ROWS} rows of "
                  f"{BOX_L_M:g} m, {WIDTH_M:g} m wide, released 5 m above the bed, then {SETTLE_DAYS:g} days of "
                  f"settling; {count} particles, dt {step_s:g} s, 25 m cells; deposit dry density 300 kg/m3.")
    res.notes = (f"Mean deposit inside the box: **{mean_in:.3f} mm**; "
                 f"in a 500 m band around it: **{mean_band:.4f} mm**; "
                 f"largest cell: {thick_mm.max():.2f} mm. Of the released mass {deposited:.1%} deposited inside the "
                 f"8 km x 8 km domain and {exited:.1%} left it. The published blanket thickness is not compared "
                 "(no verified value was available to this session); these numbers are reported for that comparison.")
    fig, ax = figure(folder, ncols=2, width=12)
    im = ax[0].pcolormesh(ds.x.values, ds.y.values, np.log10(np.maximum(thick_mm, 1e-5)), vmin=-4, vmax=1,
                          shading="auto", cmap="magma_r")
    fig.colorbar(im, ax=ax[0], label="log10 deposit (mm)")
    ax[0].plot([-BOX_L_M / 2, BOX_L_M / 2, BOX_L_M / 2, -BOX_L_M / 2, -BOX_L_M / 2],
               [-BOX_W_M / 2, -BOX_W_M / 2, BOX_W_M / 2, BOX_W_M / 2, -BOX_W_M / 2], "c-", lw=1, label="BIE box")
    ax[0].set_aspect("equal")
    ax[0].legend(fontsize=7)
    days = np.arange(released.size)
    ax[1].plot(days, released / 1000, "k-", label="released")
    ax[1].plot(days, ds.mass_suspended.values / 1000, label="suspended")
    ax[1].plot(days, ds.mass_deposited.values / 1000, label="deposited")
    ax[1].plot(days, ds.mass_exited.values / 1000, label="exited")
    ax[1].set_xlabel("day")
    ax[1].set_ylabel("mass (t)")
    ax[1].legend(fontsize=7)
    res.figures.append(save(fig, folder, "bie_1993.png"))
    res.run_time_s = timer.seconds
    return res
