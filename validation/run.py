"""Run every validation case and write the Markdown report with its figures.

    python -m validation [--reduced] [--only CASE ...] [--out DIR]

Exit status: 0 when every case passes, 1 when any case fails or cannot run (the report is written
either way: a failing case is reported failing, with what was tried).
"""
from __future__ import annotations

import argparse
import importlib
import platform
import subprocess
import time
import traceback
from datetime import datetime, timezone
from pathlib import Path

from .cases import ALL
from .common import CaseResult

REPORT = Path(__file__).resolve().parent / "report"


def run_case(name: str, folder: Path, reduced: bool) -> CaseResult:
    started = time.perf_counter()
    try:
        module = importlib.import_module(f"validation.cases.{name}")
        result = module.run(folder, reduced=reduced)
    except Exception as exc:  # noqa: BLE001 (a case that cannot run is reported; the others still run)
        result = CaseResult(name, name, "?", "", error=f"{type(exc).__name__}: {exc}",
                            notes="```\n" + traceback.format_exc(limit=4) + "```")
    result.run_time_s = time.perf_counter() - started
    return result


def run_all(folder: Path = REPORT, reduced: bool = False, only=None, log=print, threads: int = 1) -> list[CaseResult]:
    """Run the cases (all, or ``only``) and write the report into ``folder``.

    One numba thread by default: the cases are small (1e4-1e5 particles), results do not depend on the
    thread count (by design), and on a busy machine a parallel step of a few thousand particles was
    measured 20 times slower than a serial one (threads waiting for each other every step)."""
    import numba

    numba.set_num_threads(int(threads))
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    results = []
    for name in only or ALL:
        log(f"validation: {name} ...")
        result = run_case(name, folder, reduced)
        verdict = "ERROR" if result.error else ("pass" if result.passed else "FAIL")
        log(f"validation: {name}: {verdict} in {result.run_time_s:.1f} s")
        results.append(result)
    write_report(results, folder, reduced)
    return results


def _version() -> str:
    import plume

    try:
        commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True, check=False,
                                cwd=Path(__file__).parent, timeout=10).stdout.strip()
    except Exception:  # noqa: BLE001 (no git, or not a checkout: the version alone)
        commit = ""
    return f"plume {plume.__version__}" + (f" (git {commit})" if commit else "")


def _cell(text: str) -> str:
    """Text safe inside a Markdown table cell."""
    return str(text).replace("|", "\\|")


def _fmt(v) -> str:
    if isinstance(v, str):
        return _cell(v)
    if v == 0 or 1e-3 <= abs(v) < 1e5:
        return f"{v:.4g}"
    return f"{v:.3e}"


def write_report(results: list[CaseResult], folder: Path, reduced: bool) -> Path:
    import numba

    lines = ["# plume validation report", ""]
    form = "reduced (test-suite form: fewer particles and steps)" if reduced else "full"
    total = sum(r.run_time_s for r in results)
    n_pass = sum(r.passed for r in results)
    lines += [
        f"- Version: {_version()}",
        (f"- Generated: {datetime.now(timezone.utc).strftime('%Y-%m-%d %H:%M UTC')} by `python -m validation"
         f"{' --reduced' if reduced else ''}`; form: {form}"),
        (f"- Machine: {platform.machine()}, Python {platform.python_version()}, numba {numba.__version__}, "
         f"{numba.get_num_threads()} threads"),
        f"- Run time: {total:.0f} s for all cases (numba kernels already compiled)",
        f"- Result: {n_pass} of {len(results)} cases pass",
        "",
        ("Each check compares one model quantity with its reference; the error's definition and the tolerance "
         "are stated for each. A tolerance is fixed before the comparison and never widened to make a case pass."),
        "",
        "| case | kind | verdict | checks passed | run time (s) |",
        "|---|---|---|---|---:|",
    ]
    for r in results:
        verdict = "ERROR" if r.error else ("**pass**" if r.passed else "**FAIL**")
        ok = sum(c.passed for c in r.checks)
        lines.append(f"| [{r.title}](#{r.name}) | {r.kind} | {verdict} | {ok}/{len(r.checks)} | {r.run_time_s:.1f} |")
    for r in results:
        lines += ["", f"<a id=\"{r.name}\"></a>", f"## {r.title}", "", r.summary, ""]
        if r.error:
            lines += [f"**The case could not run**: {r.error}", ""]
        if r.inputs:
            lines += ["**Inputs.** " + r.inputs, ""]
        if r.checks:
            lines += ["| quantity | model | reference | error | tolerance | verdict |", "|---|---:|---:|---:|---:|---|"]
            for c in r.checks:
                note = f" ({c.note})" if c.note else ""
                lines.append(f"| {_cell(c.quantity + note)} | {_fmt(c.model)} | {_fmt(c.reference)} | "
                             f"{_fmt(c.error)} | "
                             f"{_fmt(c.tolerance)} | {'pass' if c.passed else '**FAIL**'} |")
            lines.append("")
        for f in r.figures:
            lines += [f"![{r.name}]({f})", ""]
        if r.notes:
            lines += [r.notes, ""]
        lines.append(f"Run time: {r.run_time_s:.1f} s.")
    path = Path(folder) / "README.md"
    path.write_text("\n".join(lines) + "\n")
    return path


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m validation", description=__doc__.splitlines()[0])
    parser.add_argument("--reduced", action="store_true", help="fewer particles and steps (the test-suite form)")
    parser.add_argument("--only", nargs="+", choices=ALL, metavar="CASE", help=f"run only these: {', '.join(ALL)}")
    parser.add_argument("--out", type=Path, default=REPORT, help=f"report folder (default {REPORT})")
    parser.add_argument("--threads", type=int, default=1, help="numba threads (default 1; results do not depend on it)")
    args = parser.parse_args(argv)
    results = run_all(args.out, args.reduced, args.only, threads=args.threads)
    print(f"validation: report written to {Path(args.out) / 'README.md'}")
    return 0 if all(r.passed for r in results) else 1
