"""docs/python-api.md: its example runs as written, on a small run, and its answers hang together."""
import re
from pathlib import Path

import numpy as np
import pytest

ROOT = Path(__file__).resolve().parents[1]


@pytest.mark.slow
def test_the_python_api_example_runs(monkeypatch, capsys):
    blocks = re.findall(r"```python\n(.*?)```", (ROOT / "docs" / "python-api.md").read_text(), flags=re.S)
    assert blocks
    monkeypatch.chdir(ROOT)  # the example's paths are relative to the repository
    namespace: dict = {}
    for code in blocks:
        exec(compile(code, "docs/python-api.md", "exec"), namespace)
    ds, inside, final = namespace["ds"], namespace["inside"], namespace["final"]
    # the station is 75 m down-current of the block: the plume reaches it within the six hours
    assert float(namespace["ssc_mg_l"].max()) > 1.0
    assert namespace["ds"].plume.first_time_at_or_above(*namespace["station"], 1e-3, layer=None) is not None
    assert list(inside["area"].values) == ["mined block", "reference zone"]
    # a 150 m x 1.1 km box round the lanes and a 1 km x 1.5 km box, in whole 50 m cells
    assert inside["area_m2"].values.tolist() == pytest.approx([3 * 22 * 2500.0, 20 * 30 * 2500.0])
    # the polygons lie in the grid and do not overlap: their deposits add up to at most the total
    total = float(ds["deposit_mass"].isel(time=-1).sum()) * 50.0 * 50.0
    in_both = float(final["deposit_mass_total"].sum())
    assert 0 < in_both <= total * (1 + 1e-9)
    # most of the mass settles on the mined block (the near field collapses on the bed), some down-current
    assert float(final["deposit_mass_total"].sel(area="mined block")) > 0.5 * total
    assert float(final["deposit_mass_total"].sel(area="reference zone")) > 0
    # the area above a threshold never exceeds the polygon, and grows as the threshold falls
    assert (final["deposit_area"] <= final["area_m2"]).all()
    assert (np.diff(final["deposit_area"].values, axis=-1) <= 0).all()
    assert "mined block" in capsys.readouterr().out
