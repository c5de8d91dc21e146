"""Timing engine: interleaved rounds, per-op medians.

For each row, every live cell is first calibrated to a batch size that runs for about
``batch_s``. Then each round runs every cell's batch once, in an order rotated by one
library per round, so that drift (frequency scaling, a noisy neighbour) spreads over all
columns instead of landing on one. The figure reported is the median per-op time over
rounds. As in ``timeit``, the garbage collector is off inside a batch and collected
between rows.

The default clock is this thread's CPU time, not wall time: on a shared machine, time
spent descheduled while another process runs would otherwise land on whichever column
happened to be running (we measured 4-8x outliers in a third of the rounds at a load
average of 4 on 2 cores). Every operation timed here is CPU-bound in the calling
thread, so CPU time is the cost being compared. ``--clock wall`` restores wall time.
"""

from __future__ import annotations

import gc
import statistics
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

__all__ = ["CLOCKS", "Budget", "Cell", "Row", "Target", "measure_row", "use_clock"]

_CALIBRATION_GROWTH = 10
_MAX_BATCH = 1_000_000
CLOCKS: dict[str, Callable[[], float]] = {"cpu": time.thread_time, "wall": time.perf_counter}
_clock = CLOCKS["cpu"]


def use_clock(name: str) -> None:
    """Time batches with the ``"cpu"`` (this thread's CPU time) or ``"wall"`` clock."""
    global _clock
    _clock = CLOCKS[name]


@dataclass(frozen=True)
class Target:
    """What jotkit must achieve in one row."""

    max_ratio: float | None = None  # jotkit / floor, medians
    beat_peers: bool = True  # jotkit's median below every peer's
    speedup_over: str | None = None  # key of a row whose jotkit median must be
    min_speedup: float = 0.0  # at least this many times this row's
    max_extra_ms: float | None = None  # import row: jotkit - floor, milliseconds
    # Batches this many times longer: for operations whose own time varies call to call
    # (ML-DSA signing repeats its rejection loop a random number of times), so that the
    # mean of one batch, and the median of the rounds, settle.
    batch_scale: float = 1.0


@dataclass
class Cell:
    """One library in one row: the timed callable, or why there is none."""

    fn: Callable[[], object] | None = None
    status: str = "ok"  # "ok", "n/a" or "error"
    detail: str = ""
    samples: list[float] = field(default_factory=list)  # seconds per op, one per round
    batch: int = 0
    estimate: float = 0.0  # seconds per op measured at calibration

    @property
    def median(self) -> float | None:
        """Median seconds per op over rounds, or None if not measured."""
        return statistics.median(self.samples) if self.samples else None

    @property
    def spread(self) -> float:
        """Interquartile range over median: how noisy the rounds were (0 if too few)."""
        if len(self.samples) < 4:
            return 0.0
        q1, _, q3 = statistics.quantiles(self.samples, n=4)
        return (q3 - q1) / statistics.median(self.samples)

    def fail(self, detail: str) -> None:
        """Mark the cell as errored."""
        self.fn, self.status, self.detail = None, "error", detail


@dataclass
class Row:
    """One table row."""

    key: str
    label: str
    target: Target
    cells: dict[str, Cell] = field(default_factory=dict)
    rounds: int = 0  # rounds actually run (a time budget may cut slow rows short)


@dataclass(frozen=True)
class Budget:
    """A time budget per row: slow rows run fewer rounds, but at least ``min_rounds``."""

    row_s: float
    min_rounds: int


@contextmanager
def _gc_off() -> Iterator[None]:
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def _batch(fn: Callable[[], object], n: int) -> float:
    """Seconds per op over a batch of ``n`` calls."""
    loop = range(n)
    with _gc_off():
        clock = _clock
        start = clock()
        for _ in loop:
            fn()
        elapsed = clock() - start
    return elapsed / n


def _calibrate(fn: Callable[[], object], batch_s: float) -> int:
    """The batch size for which one batch takes about ``batch_s``.

    The per-op estimate is the best of three trials, so that a burst of load from
    another process during calibration does not shrink the batch for good.
    """
    n = 1
    while True:
        per_op = _batch(fn, n)
        if per_op * n >= batch_s / _CALIBRATION_GROWTH or n >= _MAX_BATCH:
            break
        n *= _CALIBRATION_GROWTH
    per_op = min(per_op, _batch(fn, n), _batch(fn, n))
    return max(1, min(_MAX_BATCH, round(batch_s / max(per_op, 1e-9))))


def _error(exc: BaseException) -> str:
    return f"{type(exc).__name__}: {exc}"


def _rounds_within(row: Row, live: list[str], rounds: int, budget: Budget) -> int:
    """Fewer rounds (never under ``budget.min_rounds``) for rows whose round is slow."""
    round_s = sum(row.cells[name].batch * row.cells[name].estimate for name in live)
    if round_s <= 0:
        return rounds
    return max(min(rounds, budget.min_rounds), min(rounds, int(budget.row_s / round_s)))


def measure_row(row: Row, rounds: int, batch_s: float, budget: Budget | None = None) -> None:
    """Fill ``samples`` of every live cell of ``row``."""
    gc.collect()
    live = [name for name, cell in row.cells.items() if cell.fn is not None]
    for name in live:
        cell = row.cells[name]
        assert cell.fn is not None
        try:
            cell.batch = _calibrate(cell.fn, batch_s)
            cell.estimate = _batch(cell.fn, cell.batch)  # also the warm-up at full size
        except Exception as exc:
            cell.fail(f"while timing: {_error(exc)}")
    live = [name for name in live if row.cells[name].fn is not None]
    if budget is not None:
        rounds = _rounds_within(row, live, rounds, budget)
    row.rounds = rounds
    for r in range(rounds):
        shift = r % len(live) if live else 0
        for name in live[shift:] + live[:shift]:
            cell = row.cells[name]
            if cell.fn is None:
                continue
            try:
                cell.samples.append(_batch(cell.fn, cell.batch))
            except Exception as exc:
                cell.fail(f"while timing: {_error(exc)}")
                cell.samples.clear()
    print(".", end="", file=sys.stderr, flush=True)
