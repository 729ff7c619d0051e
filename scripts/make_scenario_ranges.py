"""Write docs/scenario_ranges.md: the physical range of every numeric scenario key, from the models' bounds
(plume.scenario.plausibility.numeric_ranges), and the unit-slip warnings. Rerun after changing a bound;
tests/test_fuzz_inputs.py checks that every key is listed.

    python scripts/make_scenario_ranges.py [OUTPUT.md]
"""
from __future__ import annotations

import sys
from pathlib import Path

from plume.scenario import plausibility as p

HEAD = f"""# Physical ranges of the scenario's numeric keys

plume refuses a value outside its key's range with one line naming the key (exit status 2). The ranges
are wide: they bound what is physical (the deepest ocean, a decade-long run, the densest solid), so
only a slip (a wrong unit, a stray exponent such as `rate_kg_s: 1e300`) is refused. Values inside the
range that look like a unit slip run, with a warning that names the likely unit:

| key | warned when | likely unit |
|---|---|---|
| `sediment.deposit_dry_density_kg_m3` | < {p.DRY_DENSITY_MIN_KG_M3:g} | g/cm3 (x 1000) |
| `sediment.grain_density_kg_m3` | < {p.GRAIN_DENSITY_MIN_KG_M3:g} | g/cm3 (x 1000) |
| `sediment.water_density_kg_m3` | < {p.WATER_DENSITY_MIN_KG_M3:g} | g/cm3 (x 1000) |
| `sediment.water_viscosity_pa_s` | > {p.VISCOSITY_MAX_PA_S:g} | mPa s, centipoise (/ 1000) |
| `sediment.hindered_settling.reference_concentration_kg_m3` | < 1 | g/cm3 (x 1000) |
| `sediment.classes[].diameter_um` | < {p.DIAMETER_MIN_UM:g} | metres (x 1e6) or millimetres (x 1000) |
| `sediment.classes[].settling_m_s` | > {p.SETTLING_MAX_M_S:g} | mm/s (/ 1000) |
| `sources[].near_field.discharge_concentration_kg_m3` | > {p.CONCENTRATION_MAX_KG_M3:g} | mg/L (/ 1000) |

The table below is the models' own bounds (`plume.scenario.plausibility.numeric_ranges()`, written by
`scripts/make_scenario_ranges.py`). A bound is inclusive or strict as the key's description says (e.g.
`rate_kg_s` must be > 0). `[]` marks the items of a list.

| key | lowest | highest |
|---|---|---|
"""

TAIL = """
Data files are checked too: bathymetry depths beyond 11,000 m (an unflagged fill value such as
-32767, or a wrong unit) are refused; current velocities are converted to m/s with cf-units from
their `units` attribute (m s-1, cm s-1, mm s-1, knots, ...; no attribute means m/s) and any other unit is
refused by name; a current file whose deepest level stops more than 100 m short of the seabed is refused
unless `currents.extend_to_bed` is `log_layer` (the law of the wall from the deepest level down, with the
bed roughness of `currents.bed_stress`) or `uniform` (the deepest level's flow down to the bed).
"""


def _number(v) -> str:
    if v is None:
        return "-"
    if isinstance(v, int) and abs(v) > 1e12:
        return "2^63 - 1"
    return f"{v:g}"


def main(out: Path) -> None:
    rows = "".join(f"| `{key}` | {_number(lo)} | {_number(hi)} |\n" for key, (lo, hi) in p.numeric_ranges().items())
    out.write_text(HEAD + rows + TAIL, encoding="utf-8")


if __name__ == "__main__":
    default = Path(__file__).resolve().parents[1] / "docs" / "scenario_ranges.md"
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else default)
