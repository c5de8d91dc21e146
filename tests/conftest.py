"""Suite-wide settings for the property tests (hypothesis).

No example has a deadline: the suite runs on shared 2-core CI machines, where one
example can stall for a scheduling slice, and a deadline there fails a correct build.
Hangs are caught where they matter, by the hang guards and forbidden steps of
``tests/_guards.py``. Under CI (the ``CI`` environment variable, which ``.ci/run`` sets)
the examples are derived from each test's name, so a build is reproducible; a local run
draws new examples each time and keeps exploring.
"""

from __future__ import annotations

import os

from hypothesis import HealthCheck, settings

settings.register_profile(
    "jotkit",
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
    derandomize=bool(os.environ.get("CI")),
    print_blob=True,
)
settings.load_profile("jotkit")
