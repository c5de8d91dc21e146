"""Command line: build the rows, time them, print the table, write RESULTS.md.

Options come from argv or, failing that, the environment (``BENCH_QUICK``,
``BENCH_ROUNDS``, ``BENCH_BATCH_MS``, ``BENCH_IMPORT_RUNS``, ``BENCH_ROWS``,
``BENCH_LIBS``, ``BENCH_OUT``, ``BENCH_CLOCK``).
"""

from __future__ import annotations

import argparse
import os
import re
import sys
import time
import warnings
from pathlib import Path

_ROOT = Path(__file__).resolve().parents[1]
# Benchmark this checkout's jotkit even if another copy is installed.
sys.path.insert(0, str(_ROOT / "src"))

from . import _report  # noqa: E402
from ._cli import CLI_ROWS, measure_cli  # noqa: E402
from ._fixtures import make_fixtures  # noqa: E402
from ._harness import CLOCKS, Budget, Row, measure_row, use_clock  # noqa: E402
from ._imports import measure_imports  # noqa: E402
from ._libs import Absent, Library, load_libraries  # noqa: E402
from ._rows import RowSpec, build_row, row_specs  # noqa: E402

__all__ = ["main"]

_DEFAULT_OUT = Path(__file__).resolve().parent / "RESULTS.md"
#: (rounds, batch milliseconds, import runs, row budget) per mode.
_MODES = {
    "full": (41, 10.0, 25, Budget(row_s=20.0, min_rounds=15)),
    "quick": (15, 1.5, 7, Budget(row_s=1.5, min_rounds=7)),
}

_METHOD = """\
Median CPU time per operation (this thread's; `--clock wall` for wall time) over
interleaved rounds (each round runs every library's batch once, the order rotated each
round), in one process; in brackets, the ratio to the floor
(for the import row, the difference). **Bold**: the fastest library in the row. The floor
is hand-written `hmac`/`cryptography` + `base64` + `json` with pre-loaded key objects,
making the same checks (split, header and payload JSON, `alg`, signature or decryption,
`exp`/`iss`/`aud`). Every cell is checked once before timing: tokens a library makes
verify in the floor; decoders return the claims of a floor-made token and reject a bad
signature, a wrong audience, a wrong issuer and an expired token. "PEM each call" rows
pass PEM to libraries that accept it (PyJWT, python-jose) and import the key inside the
call for the others. jotkit's decode rows call the one-shot `jotkit.decode(token, key,
algorithms=..., issuer=..., audience=...)`; the Verifier rows a `Verifier` built once.
The result column is jotkit's verdict against the row's target;
a peer less than 2% faster counts as a tie (reported, not a failure)."""


def _env_int(name: str) -> int | None:
    value = os.environ.get(name, "")
    return int(value) if value else None


def _env_float(name: str) -> float | None:
    value = os.environ.get(name, "")
    return float(value) if value else None


def _options(argv: list[str] | None) -> argparse.Namespace:
    env = os.environ
    parser = argparse.ArgumentParser(prog="python -m benchmarks", description=__doc__)
    parser.add_argument(
        "--quick",
        action="store_true",
        default=env.get("BENCH_QUICK", "0") != "0",
        help="fewer, shorter rounds (under a minute)",
    )
    parser.add_argument("--rounds", type=int, default=_env_int("BENCH_ROUNDS"), help="per row")
    parser.add_argument(
        "--batch-ms",
        type=float,
        default=_env_float("BENCH_BATCH_MS"),
        help="target duration of one batch",
    )
    parser.add_argument(
        "--import-runs",
        type=int,
        default=_env_int("BENCH_IMPORT_RUNS"),
        help="fresh interpreters for the import row",
    )
    parser.add_argument("--rows", default=env.get("BENCH_ROWS"), help="regex on row keys")
    parser.add_argument("--libs", default=env.get("BENCH_LIBS"), help="comma-separated columns")
    parser.add_argument(
        "--out",
        default=env.get("BENCH_OUT"),
        help="results file; '-' writes none (default: RESULTS.md, unless rows or libs filtered)",
    )
    parser.add_argument(
        "--clock",
        choices=sorted(CLOCKS),
        default=env.get("BENCH_CLOCK", "cpu"),
        help="cpu: this thread's CPU time (default, robust on a busy machine); wall: wall time",
    )
    parser.add_argument("--list", action="store_true", help="print the row keys and exit")
    parser.add_argument(
        "--strict", action="store_true", help="exit 1 if a jotkit target fails or a check errors"
    )
    return parser.parse_args(argv)


def _selected(specs: list[RowSpec], pattern: str | None) -> list[RowSpec]:
    if not pattern:
        return specs
    regex = re.compile(pattern)
    return [s for s in specs if regex.search(s.key)]


def _run_rows(
    specs: list[RowSpec],
    libs: list[Library | Absent],
    rounds: int,
    batch_s: float,
    imports: int,
    budget: Budget,
    clock: str,
) -> list[Row]:
    rows = []
    for spec in specs:
        if spec.key in CLI_ROWS:
            row = Row(spec.key, spec.label, spec.target, rounds=imports)
            measure_cli(row, libs, imports)
        elif spec.build is None:
            row = Row(spec.key, spec.label, spec.target, rounds=imports)
            measure_imports(row, libs, imports, clock)
        else:
            row = build_row(spec, libs)
            measure_row(row, rounds, batch_s * spec.target.batch_scale, budget)
        rows.append(row)
    print(file=sys.stderr)
    return rows


def _summary(rows: list[Row]) -> tuple[str, int]:
    """The verdict line and the number of failed targets."""
    by_key = {row.key: row for row in rows}
    verdicts = [_report.verdict(row, by_key)[0] for row in rows]
    passed = sum(v is True for v in verdicts)
    failed = sum(v is False for v in verdicts)
    missing = sum(v is None for v in verdicts)
    return f"jotkit targets: {passed} PASS, {failed} FAIL, {missing} not measured.", failed


def main(argv: list[str] | None = None) -> int:
    """Run the suite; return the process exit code."""
    opts = _options(argv)
    mode = "quick" if opts.quick else "full"
    rounds, batch_ms, imports, budget = _MODES[mode]
    rounds = opts.rounds or rounds
    batch_ms = opts.batch_ms or batch_ms
    imports = opts.import_runs or imports
    warnings.filterwarnings("ignore", message="EdDSA is deprecated")
    warnings.filterwarnings("ignore", category=DeprecationWarning)

    started, load_before = time.perf_counter(), _report.load_now()
    fx = make_fixtures()
    specs = _selected(row_specs(fx), opts.rows)
    if opts.list:
        print("\n".join(f"{s.key:24} {s.label}" for s in specs))
        return 0
    names = set(opts.libs.split(",")) if opts.libs else None
    libs = load_libraries(fx, names)
    print(f"benchmarks: {mode}, {len(specs)} rows, {rounds} rounds", file=sys.stderr)
    use_clock(opts.clock)
    rows = _run_rows(specs, libs, rounds, batch_ms / 1000, imports, budget, opts.clock)
    elapsed = time.perf_counter() - started

    columns = [lib.name for lib in libs]
    table = _report.render_table(rows, columns)
    notes = _report.notes_lines(rows)
    short = [
        f"{row.key} ({row.rounds})"
        for row in rows
        if row.key != "import-time" and row.key not in CLI_ROWS and row.rounds < rounds
    ]
    if short:
        notes.append(f"- fewer rounds (time budget {budget.row_s:g} s per row): {', '.join(short)}")
    summary, failed = _summary(rows)
    print("\n".join([*table, "", summary, *(["", "Footnotes:", *notes] if notes else [])]))

    out = opts.out or (None if (opts.rows or opts.libs) else str(_DEFAULT_OUT))
    if out and out != "-":
        # Column titles are the distribution names, except the floor's.
        dists = ["cryptography", *(name for name in columns if name != "floor")]
        generated = [
            f"Mode: {mode} ({rounds} rounds, batches of about {batch_ms:g} ms, "
            f"{imports} fresh interpreters for the import row; clock: {opts.clock}); "
            f"run took {elapsed:.0f} s.",
            "",
            "### Machine",
            "",
            *_report.machine_lines(dists, load_before),
            "",
            "### Results",
            "",
            _METHOD,
            "",
            *table,
            "",
            summary,
            *(["", "### Footnotes", "", *notes] if notes else []),
        ]
        _report.write_results(Path(out), generated)
        print(f"\nwrote {Path(out).name}", file=sys.stderr)
    errors = any(cell.status == "error" for row in rows for cell in row.cells.values())
    return 1 if opts.strict and (failed or errors) else 0
