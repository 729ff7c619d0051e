"""Small scenarios for the tests, built as dicts and validated like a file."""
from __future__ import annotations

import copy
from pathlib import Path

import yaml

from plume.scenario import scenario_from_dict

BASE = {
    "name": "case",
    "title": "test case",
    "site": {"lon": -116.9, "lat": 10.4},
    "time": {"start": "2026-04-01T00:00:00Z", "duration_h": 1, "step_s": 60, "output_every_s": 600},
    "bathymetry": {"flat_depth_m": 100},
    "currents": {"synthetic": {"mean_u_m_s": 0.0, "mean_v_m_s": 0.0}},
    "turbulence": {"horizontal_m2_s": 0.0, "vertical": {"profile": "constant", "value_m2_s": 0.0}},
    "sediment": {"classes": [{"name": "only", "mass_fraction": 1.0, "settling_m_s": 0.0}]},
    "sources": [{"kind": "discharge", "name": "point", "position_m": [0, 0], "height_above_bed_m": 50,
                 "mass_kg": 1.0, "start_h": 0}],
    "particles": {"count": 1000, "seed": 1},
    "grid": {"resolution_m": 10, "extent_m": [-1000, 1000, -1000, 1000], "layers_above_bed_m": [0, 1, 2, 5]},
    "thresholds": {"deposit_mm": [0.001, 0.01], "ssc_mg_l": [0.1, 1]},
    "output": {"directory": "out"},
}


def merge(base: dict, changes: dict) -> dict:
    """Deep-merge `changes` into a copy of `base` (dicts merge, everything else replaces)."""
    out = copy.deepcopy(base)
    for key, value in changes.items():
        if isinstance(value, dict) and isinstance(out.get(key), dict):
            out[key] = merge(out[key], value)
        else:
            out[key] = copy.deepcopy(value)
    return out


def scenario_dict(**changes) -> dict:
    return merge(BASE, changes)


def make_scenario(tmp_path: Path | None = None, **changes):
    base_dir = Path(tmp_path) if tmp_path is not None else Path.cwd()
    return scenario_from_dict(scenario_dict(**changes), base_dir)


def write_scenario(path: Path, data: dict) -> Path:
    path.write_text(yaml.safe_dump(data, sort_keys=False))
    return path
