"""Write each target's seed corpus and libFuzzer dictionary.

``python -m fuzz.make_corpus [--out DIR] [TARGET...]`` writes ``DIR/<target>/<seed>``
(valid tokens and keys made by jotkit, and classic malformed inputs) and
``DIR/<target>.dict``. ``DIR`` defaults to ``fuzz/corpus``, which git ignores: the
corpus grows as the fuzzers run and is never committed.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from .targets import NAMES, available, load

__all__ = ["CORPUS", "main", "write_dictionary", "write_seeds"]

#: The default corpus root, beside this file.
CORPUS = Path(__file__).resolve().parent / "corpus"


def write_seeds(name: str, out: Path) -> int:
    """Write the seeds of target ``name`` into ``out/<name>/``; return how many."""
    folder = out / name
    folder.mkdir(parents=True, exist_ok=True)
    count = 0
    for seed_name, data in load(name).seeds():
        (folder / f"seed-{seed_name}").write_bytes(data)
        count += 1
    return count


def write_dictionary(name: str, out: Path) -> Path:
    """Write the libFuzzer dictionary of target ``name``; return its path."""
    path = out / f"{name}.dict"
    path.parent.mkdir(parents=True, exist_ok=True)
    lines = [
        '"' + "".join(f"\\x{byte:02x}" for byte in token) + '"' for token in load(name).dictionary
    ]
    path.write_text("\n".join(lines) + "\n", encoding="ascii")
    return path


def main(argv: list[str] | None = None) -> int:
    """Write the corpora of the given targets (all available ones by default)."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--out", type=Path, default=CORPUS, help="corpus root directory")
    parser.add_argument("targets", nargs="*", metavar="TARGET", help=", ".join(NAMES))
    args = parser.parse_args(argv)
    unknown = sorted(set(args.targets) - set(NAMES))
    if unknown:
        parser.error(f"unknown targets: {', '.join(unknown)}")
    for name in args.targets or [n for n in NAMES if available(n)]:
        count = write_seeds(name, args.out)
        write_dictionary(name, args.out)
        print(f"{name}: {count} seeds in {args.out / name}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
