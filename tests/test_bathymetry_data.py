"""The shipped CCZ bathymetry: what its README promises."""
import hashlib
from pathlib import Path

import numpy as np
import pytest
import xarray as xr

from plume.environment.bathymetry import seabed_from_file
from plume.grids import LocalProjection
from plume.kernels.interpolate import seabed_depth_many

GRID = Path(__file__).resolve().parents[1] / "data" / "bathymetry" / "ccz_etopo1_0.1deg.nc"


def test_checksum_matches_the_readme():
    readme = (GRID.parent / "README.md").read_text()
    assert hashlib.sha256(GRID.read_bytes()).hexdigest() in readme


def test_median_depth_of_the_central_ccz_is_about_4450_m():
    with xr.open_dataset(GRID) as ds:
        window = ds.elevation.sel(lat=slice(10, 15), lon=slice(-130, -115))
        assert window.sizes == {"lat": 51, "lon": 151}
        assert -float(window.median()) == pytest.approx(4450, abs=50)


def test_default_site_reads_as_abyssal_plain():
    projection = LocalProjection(-116.9, 10.4)
    seabed = seabed_from_file(GRID, projection, (-5000.0, 5000.0, -5000.0, 5000.0), 500.0)
    depth = seabed_depth_many(seabed, np.array([0.0]), np.array([0.0]))[0]
    with xr.open_dataset(GRID) as ds:
        expected = -float(ds.elevation.interp(lon=-116.9, lat=10.4))
    assert depth == pytest.approx(expected, abs=1.0)
    assert 4000 < depth < 4600
