"""Coverage-guided fuzzing of jotkit's parsers (atheris / libFuzzer).

One harness module per target (``fuzz_<target>.py``), each exposing ``TARGET``: a
``check(data)`` function and the seeds its corpus starts from.

The invariant every ``check`` enforces, for arbitrary ``data: bytes``:

* the parser is given ``data`` itself, the text ``data.decode("utf-8",
  "surrogateescape")`` (any valid UTF-8 as itself; any other byte as a lone surrogate,
  as Python's OS and WSGI layers hand text over), and, where the API also takes a
  mapping, the value a lenient parser (the standard library's ``json``) makes of that
  text;
* only :class:`jotkit.errors.JotkitError` subclasses may escape. ``TypeError`` and
  ``ValueError`` are a caller's mistakes, and the harness never makes one, so they are
  failures too; so is any warning (the test suite runs with warnings as errors);
* what jotkit accepts must be right: each target adds its own oracles (a differential
  check against the standard library, a round trip, a recomputed MAC);
* no input may take longer than the per-input timeout of ``fuzz/run.py``
  (``--timeout``, 10 s by default).

Run ``python -m fuzz.run`` (``make fuzz``); a crash is saved, printed as base64, and
belongs in ``fuzz/regressions/<target>/`` once fixed, where
``tests/fuzz_regressions`` replays it.
"""
