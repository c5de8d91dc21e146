"""Markdown output: the results table, target verdicts, machine description, RESULTS.md.

RESULTS.md keeps a hand-written notes section: a run replaces only the text between the
generated-section markers.
"""

from __future__ import annotations

import datetime
import os
import platform
import re
from collections.abc import Iterable
from importlib import metadata
from pathlib import Path

from ._harness import Row

__all__ = [
    "load_now",
    "machine_lines",
    "notes_lines",
    "render_table",
    "verdict",
    "write_results",
]

FLOOR = "floor"
#: A peer less than this fraction faster than jotkit is a tie (the same primitive
#: dominates the row and the difference is noise), reported but not a failure.
TIE = 0.02
#: A row whose noisiest column has an interquartile range above this share of its
#: median is flagged in the footnotes.
NOISY = 0.10
JOTKIT = "jotkit"
BEGIN = "<!-- BEGIN GENERATED (replaced by each full run; edit the notes below instead) -->"
END = "<!-- END GENERATED -->"
_NOTES_TEMPLATE = """
## Notes

_Hand-written; a benchmark run keeps this section. Analysis: which targets are met, what
bounds the ones that are not, and what each check costs._
"""
_PATHS = re.compile(r"(?:[A-Za-z]:)?(?:[/\\][\w.@+-]+){2,}")


def _fmt_time(seconds: float) -> str:
    us = seconds * 1e6
    if us < 10:
        return f"{us:.2f} µs"
    if us < 1000:
        return f"{us:.1f} µs"
    return f"{us / 1000:.2f} ms"


def _peers(row: Row) -> dict[str, float]:
    return {
        name: m
        for name, cell in row.cells.items()
        if name not in (FLOOR, JOTKIT) and (m := cell.median) is not None
    }


def verdict(row: Row, rows: dict[str, Row]) -> tuple[bool | None, str]:
    """(passed, explanation) for jotkit's targets in ``row``; passed None: not measured."""
    target = row.target
    mine = row.cells.get(JOTKIT)
    floor = row.cells.get(FLOOR)
    m = mine.median if mine else None
    f = floor.median if floor else None
    if m is None:
        return None, "n/a"
    problems: list[str] = []
    if target.max_ratio is not None and f is not None and m / f > target.max_ratio:
        problems.append(f"{m / f:.2f}x > {target.max_ratio}x")
    if target.max_extra_ms is not None and f is not None:
        extra = (m - f) * 1000
        if extra > target.max_extra_ms:
            problems.append(f"+{extra:.1f} ms > +{target.max_extra_ms:g} ms")
    if target.speedup_over is not None:
        other = rows.get(target.speedup_over)
        base = other.cells[JOTKIT].median if other and JOTKIT in other.cells else None
        if base is None:
            return None, f"needs {target.speedup_over}"
        if base / m < target.min_speedup:
            if target.min_speedup < 1:  # a cost bound: at most N times the other row
                problems.append(
                    f"{m / base:.2f}x {target.speedup_over} > {1 / target.min_speedup:.3g}x"
                )
            else:
                problems.append(f"{base / m:.1f}x < {target.min_speedup:g}x faster")
    ties: list[str] = []
    if target.beat_peers:
        peers = _peers(row)
        faster = sorted(name for name, p in peers.items() if p < m * (1 - TIE))
        ties = sorted(name for name, p in peers.items() if name not in faster and p <= m)
        if faster:
            problems.append(", ".join(faster) + " faster")
    if problems:
        return False, "FAIL: " + "; ".join(problems)
    if ties:
        return True, f"PASS (tie: {', '.join(ties)} within {TIE:.0%})"
    return True, "PASS"


def _target_text(row: Row) -> str:
    t = row.target
    parts = []
    if t.max_ratio is not None:
        parts.append(f"≤{t.max_ratio}x")
    if t.max_extra_ms is not None:
        parts.append(f"≤ floor+{t.max_extra_ms:g} ms")
    if t.speedup_over is not None and t.min_speedup < 1:
        parts.append(f"≤{1 / t.min_speedup:.3g}x {t.speedup_over}")
    elif t.speedup_over is not None:
        parts.append(f"≥{t.min_speedup:.3g}x faster than {t.speedup_over}")
    if t.beat_peers:
        parts.append("beat peers")
    return ", ".join(parts)


def _cell_text(row: Row, name: str, best: float | None) -> str:
    cell = row.cells.get(name)
    if cell is None:
        return "—"
    m = cell.median
    if m is None:
        return cell.status if cell.status != "ok" else "—"
    text = _fmt_time(m)
    floor = row.cells.get(FLOOR)
    f = floor.median if floor else None
    if name != FLOOR and f is not None:
        if row.target.max_extra_ms is not None:
            text += f" ({(m - f) * 1000:+.1f} ms)"
        else:
            text += f" ({m / f:.2f}x)"
    return f"**{text}**" if best is not None and m == best and name != FLOOR else text


def render_table(rows: list[Row], columns: list[str]) -> list[str]:
    """The markdown table: one line per row, medians with ratios to the floor."""
    by_key = {row.key: row for row in rows}
    head = ["Row", *columns, "target", "result"]
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    for row in rows:
        others = [c.median for n, c in row.cells.items() if n != FLOOR and c.median is not None]
        best = min(others) if others else None
        cells = [_cell_text(row, name, best) for name in columns]
        _, result = verdict(row, by_key)
        lines.append("| " + " | ".join([row.label, *cells, _target_text(row), result]) + " |")
    return lines


def _clean(text: str) -> str:
    """Drop file-system paths from messages before they reach a committed file."""
    return _PATHS.sub("<path>", text)


def notes_lines(rows: Iterable[Row]) -> list[str]:
    """Footnotes: why a cell is n/a or errored (grouped by library and reason), noisy rows."""
    groups: dict[tuple[str, str, str], list[str]] = {}
    noisy: list[str] = []
    for row in rows:
        for name, cell in row.cells.items():
            if cell.status != "ok":
                groups.setdefault((name, cell.status, _clean(cell.detail)), []).append(row.key)
        spread = max((cell.spread for cell in row.cells.values()), default=0.0)
        if spread > NOISY:
            noisy.append(f"{row.key} ({spread:.0%})")
    lines = [
        f"- {name}, {status}: {detail} ({', '.join(keys)})"
        for (name, status, detail), keys in groups.items()
    ]
    if noisy:
        lines.append(
            f"- noisy rows (a column's interquartile range over {NOISY:.0%} of its median; "
            f"the machine was busy, compare ratios with care): {', '.join(noisy)}"
        )
    return lines


def _cpu_model() -> str:
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as f:
            for line in f:
                if line.startswith(("model name", "Processor", "cpu model")):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def _version(dist: str) -> str:
    try:
        return metadata.version(dist)
    except metadata.PackageNotFoundError:
        return "not installed"


def load_now() -> float:
    """The 1-minute load average (NaN where the OS does not report it)."""
    return os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")


def machine_lines(dists: list[str], load_before: float) -> list[str]:
    """Machine and software description for RESULTS.md."""
    try:
        from cryptography.hazmat.backends.openssl.backend import backend

        openssl = backend.openssl_version_text()
    except Exception:  # pragma: no cover - informational only
        openssl = "unknown"
    usable = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else "?"
    versions = ", ".join(f"{d} {_version(d)}" for d in dists)
    return [
        f"- CPU: {_cpu_model()} ({os.cpu_count()} logical cores, {usable} usable)",
        f"- Load average (1 min) before / after the run: {load_before:.2f} / {load_now():.2f} "
        "(the run itself adds about 1)",
        f"- OS: {platform.system()} {platform.release()} ({platform.machine()})",
        f"- Python: {platform.python_implementation()} {platform.python_version()}; {openssl}",
        f"- Libraries: {versions}",
    ]


def write_results(path: Path, generated: list[str]) -> None:
    """Replace the generated section of ``path``, keeping any hand-written notes."""
    stamp = datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    body = "\n".join([BEGIN, f"_Generated {stamp}._", "", *generated, END])
    old = path.read_text(encoding="utf-8") if path.exists() else ""
    if BEGIN in old and END in old:
        before, rest = old.split(BEGIN, 1)
        after = rest.split(END, 1)[1]
        text = before + body + after
    else:
        text = "# Benchmark results\n\n" + body + "\n" + _NOTES_TEMPLATE
    path.write_text(text, encoding="utf-8")
