"""Compare runs (collector designs, settings) on the same metrics, or refuse when that would be unfair.

Runs are comparable when they share thresholds, the output grid (resolution,
extent, near-bed layers) and the output interval. Runs of different duration
are compared at their common final output time: every metric is recomputed
from the fields up to that time, and the table says so.

Each metric shows its standard error from the particle noise (``2.4 ± 0.1``), and the notes say
for each run which threshold areas differ from the first run's by more than twice their combined
standard error (about 95 % for independent runs; plume.analysis.uncertainty).
"""
from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from .errors import PlumeError

# plume/__init__ imports this module eagerly (so that `plume.compare` stays the function, not this
# module): keep its imports light and load the analysis (xarray) only when comparing.


@dataclass
class Comparison:
    """One row of metrics per run, in the order given, and how the runs were aligned."""

    labels: list[str]
    paths: list[str]
    rows: list[list]  # of plume.analysis.Metric
    notes: list[str] = field(default_factory=list)
    datasets: list = field(default_factory=list, repr=False)  # the runs, opened (for figures)

    @property
    def columns(self) -> list[str]:
        return [m.name for m in self.rows[0]]

    @property
    def units(self) -> dict[str, str]:
        return {m.name: m.units for m in self.rows[0]}

    def value(self, label: str, name: str) -> float:
        row = self.rows[self.labels.index(label)]
        return next(m.value for m in row if m.name == name)

    def to_frame(self):
        import pandas as pd

        data = [{m.name: m.value for m in row} for row in self.rows]
        return pd.DataFrame(data, index=pd.Index(self.labels, name="scenario"))

    def uncertainty(self, label: str, name: str) -> float:
        row = self.rows[self.labels.index(label)]
        return next(m.uncertainty for m in row if m.name == name)

    def csv_text(self) -> str:
        """One row per run: the metrics, then the standard error of each metric that has one
        (``<metric>_uncertainty``; empty where unknown)."""
        with_se = [i for i, name in enumerate(self.columns)
                   if any(np.isfinite(row[i].uncertainty) for row in self.rows)]
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\n")
        writer.writerow(["scenario", "file"] + self.columns + [f"{self.columns[i]}_uncertainty" for i in with_se])
        for label, path, row in zip(self.labels, self.paths, self.rows):
            se = [repr(row[i].uncertainty) if np.isfinite(row[i].uncertainty) else "" for i in with_se]
            writer.writerow([label, path] + [repr(m.value) for m in row] + se)
        return buffer.getvalue()

    def differences(self, k: float = 2.0) -> dict[str, dict[str, bool | None]]:
        """For each run after the first: metric -> whether it differs from the first run's by more than
        k times their combined standard error (None where an uncertainty is unknown)."""
        from .analysis.uncertainty import differ

        ref = self.rows[0]
        return {label: {a.name: differ(a.value, a.uncertainty, b.value, b.uncertainty, k)
                        for a, b in zip(ref, row)}
                for label, row in zip(self.labels[1:], self.rows[1:])}

    def markdown_text(self) -> str:
        """One row per metric, one column per run (a row per run would be dozens of columns wide)."""
        head = ["metric", "unit"] + self.labels + ["meaning"]
        lines = ["| " + " | ".join(head) + " |", "|---|---|" + "---:|" * len(self.labels) + "---|"]
        for i, name in enumerate(self.columns):
            cells = [f"`{name}`", self.units[name]] + [row[i].text() for row in self.rows] + \
                [self.rows[0][i].description]
            lines.append("| " + " | ".join(cells) + " |")
        notes = [f"- {note}" for note in self.notes]
        return "\n".join(lines + ([""] + notes if notes else [])) + "\n"

    def area_frame(self):
        """The threshold areas (km2), one row per run: what the comparison's bar chart shows.

        The deposit areas, then the near-bed SSC areas, at the time the runs are compared at, each
        followed by the same area outside the collectors' swept footprint where the runs have it,
        with the unit in the column name (``deposit ≥ 1 mm (km²)``). Their standard errors (km2, NaN where
        unknown) are in ``frame.attrs["uncertainty"]``, by column: the chart draws them as error bars."""
        import re

        import pandas as pd

        pattern = re.compile(r"^(deposit|ssc)_area(_outside_footprint)?_([0-9.e+-]+)(mm|mg_l)_m2$")
        columns, errors = {}, {}
        for kind in ("deposit", "ssc"):
            for name in self.columns:
                match = pattern.match(name)
                if not match or match.group(1) != kind:
                    continue
                what = "deposit" if kind == "deposit" else "near-bed SSC"
                unit = "mm" if match.group(4) == "mm" else "mg/L"
                where = " outside footprint" if match.group(2) else ""
                column = f"{what} ≥ {match.group(3)} {unit}{where} (km²)"
                columns[column] = [self.value(label, name) * 1e-6 for label in self.labels]
                errors[column] = [self.uncertainty(label, name) * 1e-6 for label in self.labels]
        frame = pd.DataFrame(columns, index=pd.Index(self.labels, name="scenario"))
        frame.attrs["uncertainty"] = errors
        return frame

    def text(self) -> str:
        """For the terminal: metrics down, runs across (a row per run would be too wide to read)."""
        width = max(len(n) + len(self.units[n]) + 3 for n in self.columns)
        widths = [max(20, len(label)) for label in self.labels]
        lines = [f"{'metric (units)':<{width}}" + "".join(f"  {lab:>{w}}" for lab, w in zip(self.labels, widths))]
        for i, name in enumerate(self.columns):
            cells = "".join(f"  {row[i].text():>{w}}" for row, w in zip(self.rows, widths))
            lines.append(f"{name + ' (' + self.units[name] + ')':<{width}}{cells}")
        return "\n".join(lines + [f"note: {note}" for note in self.notes])

    def write(self, out_dir: Path) -> tuple[Path, Path]:
        from .output import write_text

        out_dir = Path(out_dir)
        csv_path, md_path = out_dir / "comparison.csv", out_dir / "comparison.md"
        write_text(csv_path, self.csv_text())
        write_text(md_path, self.markdown_text())
        return csv_path, md_path


def open_run(path) -> "object":
    """A result file as a Dataset, read now (damaged data bytes fail here, as one line), with what a
    comparison needs; or one clear line saying why it is not one (plume.result.open_result)."""
    from .result import open_result

    ds = open_result(path, load=True)
    missing = [v for v in ("deposit_thickness", "deposit_area", "ssc", "mass_released", "deposit_threshold")
               if v not in ds.variables]
    if missing:
        raise PlumeError(f"{path}: not a plume result file (no {', '.join(missing)})")
    return ds


def _label(ds, path: Path) -> str:
    import yaml

    if ds.attrs.get("plume_product") == "ensemble":  # its row is the members' median
        return f"{ds.attrs.get('ensemble_name') or path.stem} (median)"

    try:
        name = yaml.safe_load(ds.attrs.get("scenario", "")).get("name")
    except Exception:
        name = None
    return str(name) if name else path.stem


def _same(a, b) -> bool:
    a, b = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
    return a.shape == b.shape and np.allclose(a, b, rtol=1e-9, atol=0.0)


def _show(values, scale=1.0, unit="") -> str:
    return ", ".join(f"{scale * v:g}" for v in np.asarray(values, dtype=float)) + unit


def alignment(datasets, labels) -> tuple[list[int], list[str]]:
    """The output index at which to compare each run, and notes; PlumeError when the runs do not compare."""
    from .analysis.metrics import seconds

    ref, first = datasets[0], labels[0]
    for ds, label in zip(datasets[1:], labels[1:]):
        pair = f"cannot compare '{first}' and '{label}'"
        checks = (
            ("deposit_threshold", 1000.0, " mm", "deposit thresholds differ", "thresholds.deposit_mm"),
            ("ssc_threshold", 1000.0, " mg/L", "SSC thresholds differ", "thresholds.ssc_mg_l"),
            ("layer", 1.0, " m", "near-bed layers differ (mid-heights", "grid.layers_above_bed_m"),
        )
        for name, scale, unit, what, key in checks:
            if not _same(ref[name].values, ds[name].values):
                close = ")" if "(" in what else ""
                raise PlumeError(f"{pair}: {what}{close}: {_show(ref[name].values, scale, unit)} vs "
                                 f"{_show(ds[name].values, scale, unit)}; use the same {key} in both scenarios")
        for axis in ("x", "y"):
            a, b = ref[axis].values, ds[axis].values
            if not _same(a, b):
                step = (lambda v: float(v[1] - v[0]) if v.size > 1 else float("nan"))
                raise PlumeError(
                    f"{pair}: output grids differ ({axis}: {a.size} cells of {step(a):g} m from {a[0]:g} m vs "
                    f"{b.size} cells of {step(b):g} m from {b[0]:g} m); areas and distances would not compare: "
                    "use the same grid.resolution_m and grid.extent_m")
        ta, tb = seconds(ref), seconds(ds)
        da = float(ta[1] - ta[0]) if ta.size > 1 else 0.0
        db = float(tb[1] - tb[0]) if tb.size > 1 else 0.0
        if abs(da - db) > 1e-6 * max(da, db, 1.0):
            raise PlumeError(f"{pair}: output intervals differ ({da:g} s vs {db:g} s); exceedance times would "
                             "not compare: use the same time.output_every_s")
    ends = [float(seconds(ds)[-1]) for ds in datasets]
    common = min(ends)
    indices = [int(np.argmin(np.abs(seconds(ds) - common))) for ds in datasets]
    notes = []
    if max(ends) > common:
        longer = [f"'{lab}' ({end / 3600:g} h)" for lab, end in zip(labels, ends) if end > common]
        notes.append(f"runs differ in duration: all compared at the common final output time, {common / 3600:g} h "
                     f"after the start; metrics of {', '.join(longer)} recomputed from their fields up to then")
    return indices, notes


def _ensemble_rows(ds) -> list:
    """An ensemble's row: the median over its members of each metric (at the end of the members' runs)."""
    import warnings

    from .analysis import Metric

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # a metric no member has: NaN
        median = np.nanmedian(ds["metric_value"].values.astype(float), axis=0)
    return [Metric(str(name), float(v), str(unit), f"{text} (median of {ds.sizes['member']} ensemble members)")
            for name, v, unit, text in zip(ds["metric"].values, median, ds["metric_units"].values,
                                           ds["metric_description"].values)]


def _check_ensembles(datasets, labels, indices) -> None:
    """Ensembles compare with runs (and each other) on the same thresholds and grid, at the same time."""
    from .analysis.metrics import seconds
    from .ensemble import is_ensemble

    for ds, label in zip(datasets[1:], labels[1:]):
        for name in ("deposit_threshold", "ssc_threshold", "layer", "x", "y"):
            if not _same(datasets[0][name].values, ds[name].values):
                raise PlumeError(f"cannot compare '{labels[0]}' and '{label}': their {name} values differ; "
                                 "use the same thresholds and grid in the sweep's scenarios and the runs")
    times = []
    for ds, label, k in zip(datasets, labels, indices):
        if is_ensemble(ds):
            column = list(ds["metric"].values).index("time_s") if "time_s" in ds["metric"].values else None
            t = ds["metric_value"].values[:, column] if column is not None else [np.nan]
            times.append((label, float(np.nanmax(t)), float(np.nanmin(t))))
        else:
            t = float(seconds(ds)[k])
            times.append((label, t, t))
    ends = {round(v, 6) for _, hi, lo in times for v in (hi, lo)}
    if len(ends) > 1:
        shown = ", ".join(f"'{lab}' {hi / 3600:g} h" for lab, hi, _ in times)
        raise PlumeError(f"cannot compare: an ensemble's metrics are taken at the end of its members' runs, and "
                         f"the runs end at different times ({shown}); give them the same time.duration_h")


def compare(paths, labels=None, distances_m=None) -> Comparison:
    """Compare result files (or open Datasets): one row of metrics per run. An ensemble file
    (`plume ensemble`) is one row: the median of each metric over its members."""
    from .analysis import DEFAULT_DISTANCES_M, metric_rows
    from .ensemble import is_ensemble, is_ensemble_file

    datasets, names = [], []
    if isinstance(paths, (str, Path)) or hasattr(paths, "variables"):
        paths = [paths]
    for item in paths:
        if hasattr(item, "variables"):
            datasets.append(item)
            names.append(None)
        elif is_ensemble_file(item):
            from .result import open_result

            datasets.append(open_result(item, load=True, with_metrics=False))
            names.append(str(item))
        else:
            datasets.append(open_run(item))
            names.append(str(item))
    if len(datasets) < 2:
        raise PlumeError("compare: give at least two result files")
    if labels is None:
        labels = [_label(ds, Path(n or f"run{i + 1}")) for i, (ds, n) in enumerate(zip(datasets, names))]
        if len(set(labels)) < len(labels):  # two runs of one scenario: tell them apart by file
            labels = [Path(n).stem if n else f"run{i + 1}" for i, n in enumerate(names)]
        if len(set(labels)) < len(labels):
            labels = [f"{lab}#{i + 1}" for i, lab in enumerate(labels)]
    labels = [str(v) for v in labels]
    runs = [i for i, ds in enumerate(datasets) if not is_ensemble(ds)]
    indices, notes = [-1] * len(datasets), []
    if len(runs) > 1:
        found, notes = alignment([datasets[i] for i in runs], [labels[i] for i in runs])
        for i, k in zip(runs, found):
            indices[i] = k
    if len(runs) < len(datasets):
        _check_ensembles(datasets, labels, indices)
    if distances_m is None:
        ref = datasets[0]
        distances_m = ref["distance_limit"].values if "distance_limit" in ref.variables else DEFAULT_DISTANCES_M
    rows = [_ensemble_rows(ds) if is_ensemble(ds) else metric_rows(ds, k, distances_m)
            for ds, k in zip(datasets, indices)]
    columns = [m.name for m in rows[0]]
    for label, row in zip(labels[1:], rows[1:]):
        if [m.name for m in row] != columns:  # e.g. nodule rates given for one design only
            extra = sorted(set(m.name for m in row) ^ set(columns))
            notes.append(f"'{label}' and '{labels[0]}' do not share the metrics {', '.join(extra)}; "
                         "they are left out")
    common = [c for c in columns if all(c in {m.name for m in row} for row in rows)]
    rows = [[m for m in row if m.name in common] for row in rows]
    comparison = Comparison(labels, [n or "" for n in names], rows, notes, datasets)
    notes += _difference_notes(comparison, datasets, indices)
    return comparison


AREA_COLUMN = r"^(deposit|ssc)_area(_outside_footprint)?_[0-9.e+-]+(mm|mg_l)_m2$"


def _difference_notes(comparison: Comparison, datasets, indices) -> list[str]:
    """Which threshold areas of each run differ from the first run's by more than twice their combined
    standard error, and which do not (the rest is particle noise)."""
    import re

    notes = []
    # an ensemble (no time axis) is taken at its members' final time
    late = [lab for lab, ds, k in zip(comparison.labels, datasets, indices)
            if "time" in ds.sizes and k % ds.sizes["time"] != ds.sizes["time"] - 1]
    if late:
        notes.append(f"uncertainties are known at a run's final output time only: none for {', '.join(late)}")
    first = comparison.labels[0]
    for label, verdicts in comparison.differences().items():
        areas = {n: v for n, v in verdicts.items() if re.match(AREA_COLUMN, n)}
        differ = [n for n, v in areas.items() if v]
        same = [n for n, v in areas.items() if v is False]
        if differ or same:
            notes.append(f"'{label}' vs '{first}': threshold areas that differ by more than twice their combined "
                         f"uncertainty: {', '.join(differ) or 'none'}; within it (not distinguishable from "
                         f"particle noise): {', '.join(same) or 'none'}")
    return notes
