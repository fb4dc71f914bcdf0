"""pytest plugin: only the unit and SDK tests, for tests/run.sh's extra Python versions.

``PYTHONPATH=tests python -m pytest -p quick_subset`` deselects every test marked ``slow`` or
``hostile`` (the large generated corpus runs once, on the main interpreter) and every test that
asks (directly or through another fixture) for a Dovecot server: those start
several processes and run in full on the main interpreter. What is left (the extractor, the SDK
against a real redis-server, the worker's jobs, settings, the CLI) is what differs between
Python versions, and it runs in a few minutes.
"""

from __future__ import annotations

import pytest

#: Fixtures that start Dovecot (tests/conftest.py).
HEAVY_FIXTURES = frozenset({"dovecot", "own_dovecot"})


def _heavy(item: pytest.Item) -> bool:
    if item.get_closest_marker("slow") is not None or item.get_closest_marker("hostile"):
        return True
    return bool(HEAVY_FIXTURES.intersection(getattr(item, "fixturenames", ())))


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    dropped = [item for item in items if _heavy(item)]
    if dropped:
        config.hook.pytest_deselected(items=dropped)
        items[:] = [item for item in items if not _heavy(item)]


def pytest_report_header() -> str:
    return "quick subset: no slow or hostile tests, no tests that start Dovecot"
