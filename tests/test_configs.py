"""The shipped scenarios' data: the generated current file is what its script makes."""
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
import xarray as xr

ROOT = Path(__file__).resolve().parents[1]


@pytest.mark.slow
def test_current_file_is_reproduced_by_its_script(tmp_path):
    out = tmp_path / "currents.nc"
    subprocess.run([sys.executable, str(ROOT / "scripts" / "make_ccz_currents.py"), str(out)], check=True,
                   capture_output=True)
    with xr.open_dataset(out) as fresh, xr.open_dataset(ROOT / "configs" / "currents_ccz_cmems.nc") as shipped:
        for name in ("uo", "vo"):
            assert np.array_equal(fresh[name].values, shipped[name].values)
        speed = np.hypot(shipped.uo, shipped.vo).isel(depth=-1)
        # CCZ near-bed statistics the generator aims at: mean a few cm/s, peaks 10-20 cm/s
        assert 0.02 < float(speed.mean()) < 0.07
        assert 0.08 < float(speed.max()) < 0.2
