"""Run every fuzz target in turn, each in its own atheris process; fail on any crash.

``python -m fuzz.run [--seconds N | --runs N] [--timeout S] [--smoke] [TARGET...]``

Each target runs for ``--seconds`` (default ``$FUZZ_SECONDS`` or 60) or for ``--runs``
inputs, one at a time, starting from ``fuzz/corpus/<target>`` (seeded by
``make_corpus`` when empty, and grown by the run) plus the saved crashes in
``fuzz/regressions/<target>``. ``--smoke`` works in a temporary directory instead, so
that it leaves nothing behind. A crash, a hang over ``--timeout`` seconds, or running
out of memory fails the run: the input is printed as base64 and kept in
``fuzz/corpus/crashes/<target>/``.
"""

from __future__ import annotations

import argparse
import base64
import importlib.util
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from .make_corpus import CORPUS, write_dictionary, write_seeds
from .targets import NAMES, available, load

__all__ = ["Outcome", "main", "run_target"]

ROOT = Path(__file__).resolve().parent.parent
REGRESSIONS = Path(__file__).resolve().parent / "regressions"
_ARTIFACT_KINDS = ("crash", "timeout", "oom", "leak", "slow-unit")
_STAT = re.compile(r"^stat::(\w+):\s*(\d+)", re.MULTILINE)
# Beyond the fuzzing time: interpreter start-up, instrumentation and the initial corpus.
_GRACE_SECONDS = 180


@dataclass(frozen=True)
class Outcome:
    """How one target's run ended."""

    name: str
    ok: bool
    runs: int
    execs_per_sec: int
    seconds: float
    artifacts: tuple[Path, ...]
    log: Path
    note: str = ""


def _libfuzzer_flags(args: argparse.Namespace, dictionary: Path, max_len: int) -> list[str]:
    budget = f"-runs={args.runs}" if args.runs else f"-max_total_time={args.seconds}"
    return [
        budget,
        f"-timeout={args.timeout}",
        f"-max_len={max_len}",
        f"-dict={dictionary}",
        "-rss_limit_mb=2048",
        "-print_final_stats=1",
        # The smoke pass in `make test` must not depend on the clock: a fixed seed makes
        # it the same 300 inputs on every run. Campaigns keep libFuzzer's random seed.
        *(["-seed=1"] if args.smoke else []),
    ]


def run_target(name: str, args: argparse.Namespace, work: Path) -> Outcome:
    """Fuzz one target in a subprocess and collect what it left behind."""
    target = load(name)
    corpus = work / name
    if not corpus.is_dir() or not any(corpus.iterdir()):
        write_seeds(name, work)
    dictionary = write_dictionary(name, work)
    crashes = work / "crashes" / name
    crashes.mkdir(parents=True, exist_ok=True)
    log = work / "logs" / f"{name}.log"
    log.parent.mkdir(parents=True, exist_ok=True)
    before = set(crashes.iterdir())
    dirs = [str(corpus)]
    if (REGRESSIONS / name).is_dir():
        dirs.append(str(REGRESSIONS / name))
    command = [
        sys.executable,
        "-m",
        "fuzz.harness",
        name,
        *dirs,
        *_libfuzzer_flags(args, dictionary, target.max_len),
        f"-artifact_prefix={crashes}{os.sep}",
    ]
    # libFuzzer bounds each input (-timeout); this bounds the whole process, start-up
    # included, assuming at least one input a second in --runs mode.
    limit = _GRACE_SECONDS + (args.runs or args.seconds)
    started = time.monotonic()
    note = ""
    with log.open("wb") as out:
        process = subprocess.Popen(
            command, cwd=ROOT, stdout=out, stderr=subprocess.STDOUT, start_new_session=True
        )
        try:
            code = process.wait(timeout=limit)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()
            code, note = -9, f"killed after {limit} s: the harness hung"
    elapsed = time.monotonic() - started
    text = log.read_text(encoding="utf-8", errors="replace")
    stats = {key: int(value) for key, value in _STAT.findall(text)}
    artifacts = tuple(sorted(set(crashes.iterdir()) - before))
    return Outcome(
        name=name,
        ok=code == 0 and not artifacts,
        runs=stats.get("number_of_executed_units", 0),
        execs_per_sec=stats.get("average_exec_per_sec", 0),
        seconds=elapsed,
        artifacts=artifacts,
        log=log,
        note=note or ("" if code == 0 else f"exit status {code}"),
    )


def _report_failure(outcome: Outcome, kept: bool) -> None:
    print(f"\n=== {outcome.name}: FAILED ({outcome.note}) ===")
    lines = outcome.log.read_text(encoding="utf-8", errors="replace").splitlines()
    start = next(
        (
            i
            for i, line in enumerate(lines)
            if "Uncaught Python exception" in line or "ERROR: libFuzzer" in line or "ALARM" in line
        ),
        max(0, len(lines) - 40),
    )
    print("\n".join(lines[start : start + 60]))
    for path in outcome.artifacts:
        kind = next((k for k in _ARTIFACT_KINDS if path.name.startswith(k)), "artifact")
        data = path.read_bytes()
        where = f"saved as {path}" if kept else "not kept: --smoke"
        print(f"\n{kind} input ({len(data)} bytes, {where}), base64:")
        print(base64.b64encode(data).decode("ascii"))
    if kept:
        print(f"\nfull log: {outcome.log}")


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    budget = parser.add_mutually_exclusive_group()
    budget.add_argument(
        "--seconds",
        type=int,
        default=int(os.environ.get("FUZZ_SECONDS", "60")),
        help="fuzzing time per target (default: $FUZZ_SECONDS or 60)",
    )
    budget.add_argument("--runs", type=int, default=0, help="inputs per target instead")
    parser.add_argument("--timeout", type=int, default=10, help="seconds one input may take")
    parser.add_argument(
        "--smoke", action="store_true", help="work in a temporary directory; keep nothing"
    )
    parser.add_argument("targets", nargs="*", metavar="TARGET", help=", ".join(NAMES))
    return parser


def main(argv: list[str] | None = None) -> int:
    """Fuzz the given targets (every available one by default); 1 if any failed."""
    parser = _parser()
    args = parser.parse_args(argv)
    unknown = sorted(set(args.targets) - set(NAMES))
    if unknown:
        parser.error(f"unknown targets: {', '.join(unknown)}")
    if importlib.util.find_spec("atheris") is None:
        print("atheris is not installed: pip install -e '.[fuzz]' (or make fuzz)")
        return 2
    names = args.targets or list(NAMES)
    work = Path(tempfile.mkdtemp(prefix="jotkit-fuzz-")) if args.smoke else CORPUS
    outcomes = []
    failed: list[str] = []
    try:
        for name in names:
            if not available(name):
                print(f"{name:12} skipped: its jotkit layer is not in this checkout")
                continue
            try:
                outcome = run_target(name, args, work)
            except Exception as exc:  # a harness that cannot load fails its target, not the run
                print(f"{name:12} FAILED could not set the target up: {exc!r}", flush=True)
                failed.append(name)
                continue
            outcomes.append(outcome)
            status = "ok" if outcome.ok else "FAILED"
            print(
                f"{name:12} {status:6} {outcome.runs:>9} runs {outcome.execs_per_sec:>6} exec/s"
                f" {outcome.seconds:7.1f} s",
                flush=True,
            )
            if not outcome.ok:
                _report_failure(outcome, kept=not args.smoke)
    finally:
        if args.smoke:
            shutil.rmtree(work, ignore_errors=True)
    failed += [outcome.name for outcome in outcomes if not outcome.ok]
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
