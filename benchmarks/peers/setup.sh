#!/usr/bin/env bash
# Create the three peer virtual environments next to this script (idempotent:
# an existing venv is left alone; delete it to rebuild).
#
#   .venv-opendrift  OpenDrift (latest on PyPI)
#   .venv-parcels3   Parcels 3.1.4 (JIT / C kernels, needs gcc at run time)
#   .venv-parcels4   Parcels 4.x (latest on PyPI)
#
# Each gets xarray + netCDF4 (needed by ../workload.py to write the field).
# Pins are noted inline.
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
PY="${PYTHON:-python3.11}"

make_venv() {
    local name="$1"; shift
    local dir="$HERE/.venv-$name"
    if [[ -x "$dir/bin/python" ]] && "$dir/bin/python" -c "import xarray, netCDF4" 2>/dev/null; then
        echo "[setup] $dir exists, skipping"
        return
    fi
    echo "[setup] creating $dir"
    rm -rf "$dir"
    "$PY" -m venv "$dir"
    "$dir/bin/python" -m pip install -q --upgrade pip
    "$dir/bin/python" -m pip install -q "$@" xarray netCDF4
    "$dir/bin/python" -m pip freeze > "$dir/freeze.txt"
}

# OpenDrift: latest release; its PyPI deps (cartopy, geopandas, roaring-landmask, ...)
# all come as wheels.
make_venv opendrift "opendrift"

# Parcels v3: the last JIT/C-kernel release.
make_venv parcels3 "parcels==3.1.4"

# Parcels v4: latest 4.x (pure numpy/xarray kernels, needs numpy>=2.3, xarray>=2025.8).
make_venv parcels4 "parcels>=4,<5"

for v in opendrift parcels3 parcels4; do
    "$HERE/.venv-$v/bin/python" - <<EOF
import importlib.metadata as m
pkg = "opendrift" if "$v" == "opendrift" else "parcels"
print("[setup] .venv-$v:", pkg, m.version(pkg), "numpy", m.version("numpy"), "xarray", m.version("xarray"))
EOF
done
