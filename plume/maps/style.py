"""Print-ready figure style: column widths, fonts, colour maps, log scales, atomic saving."""
from __future__ import annotations

import functools
import math
from pathlib import Path

import numpy as np

CM = 1 / 2.54
SINGLE_COLUMN_IN = 8.5 * CM
DOUBLE_COLUMN_IN = 17.5 * CM
DPI = 300

RC = {
    "font.size": 7, "axes.titlesize": 7.5, "axes.labelsize": 7, "xtick.labelsize": 6.5,
    "ytick.labelsize": 6.5, "legend.fontsize": 6.5, "axes.linewidth": 0.6, "lines.linewidth": 1.0,
    "xtick.major.width": 0.5, "ytick.major.width": 0.5, "xtick.major.size": 2.5, "ytick.major.size": 2.5,
    "legend.frameon": True, "legend.framealpha": 0.85, "savefig.bbox": "tight", "savefig.pad_inches": 0.03,
    "figure.dpi": 100, "font.family": "DejaVu Sans", "axes.titlepad": 3,
}

THRESHOLD_COLOURS = ("#1b1b1b", "#8c1a1a", "#1f4e9a", "#6a3d9a", "#33691e")
THRESHOLD_STYLES = ("-", "--", ":", "-.", (0, (5, 1, 1, 1)))
OVERLAY_COLOURS = ("#e66101", "#4393c3", "#1b7837", "#5e3c99", "#8c510a")


def styled(build):
    """Build a figure under the print style (fonts are fixed when artists are made)."""
    @functools.wraps(build)
    def wrapper(*args, **kwargs):
        import matplotlib

        with matplotlib.rc_context(RC):
            return build(*args, **kwargs)
    return wrapper


def new_figure(width_in: float, height_in: float, layout=None):
    """A Figure not tied to pyplot: no GUI backend, nothing global kept alive."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    fig = Figure(figsize=(width_in, height_in), dpi=100, layout=layout)
    FigureCanvasAgg(fig)
    return fig


def cmap(name: str):
    """A cmocean colour map with masked cells left transparent."""
    import cmocean

    return getattr(cmocean.cm, name).copy()


def log_limits(values, thresholds) -> tuple[float, float]:
    """Whole decades spanning the data's maximum and the thresholds, starting a decade below the lowest."""
    positive = np.asarray(values, dtype=float)
    positive = positive[np.isfinite(positive) & (positive > 0)]
    low = min(thresholds) / 10.0
    high = max(float(positive.max()) if positive.size else 0.0, max(thresholds))
    vmin = 10.0 ** math.floor(math.log10(low))
    vmax = 10.0 ** math.ceil(math.log10(high))
    return vmin, max(vmax, vmin * 10)


def number(v: float) -> str:
    """Compact numbers for labels: 0.1, 1, 10, 2.5e-03."""
    if v == 0:
        return "0"
    if 1e-3 <= abs(v) < 1e5:
        return f"{v:.3g}"
    return f"{v:.1e}"


def save_figure(fig, path: Path, dpi: int = DPI) -> Path:
    """Write to a temporary name in the same folder, then rename: never a half file under the name."""
    from ..output import written_atomically

    path = Path(path)
    with written_atomically(path, suffix=path.suffix) as tmp:
        fig.savefig(tmp, dpi=dpi, format=path.suffix.lstrip("."))
    return path


def halo(width: float = 1.6):
    """A white stroke behind text or lines, so they read over any map."""
    from matplotlib import patheffects

    return [patheffects.withStroke(linewidth=width, foreground="white")]
