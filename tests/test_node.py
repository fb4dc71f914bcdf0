"""The seed's Node.js flow from outside Python: ``node --test tests/node/*.test.mjs`` with plain
``fetch`` against ``otpbridge serve`` (its own process), while the mails travel the real
pipeline (the test web app mails over SMTP into Dovecot; ``otpbridge bridge`` and ``otpbridge
worker`` run as processes)."""

from __future__ import annotations

import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
from webapp import SignupApp
from webapp.pipeline import Pipeline, running_pipeline
from webapp.serve import Serve, serve_process

from otpbridge.bridge.embedded import DovecotServer

pytestmark = pytest.mark.slow

NODE_TESTS = sorted((Path(__file__).parent / "node").glob("*.test.mjs"))


@pytest.fixture(scope="module")
def pipeline(
    tmp_path_factory: pytest.TempPathFactory, dovecot: DovecotServer
) -> Iterator[Pipeline]:
    with running_pipeline(tmp_path_factory.mktemp("node"), dovecot) as running:
        yield running


def _node() -> str:
    node = shutil.which("node") or shutil.which("nodejs")
    if node is None:
        pytest.fail("node is not installed; tests/run.sh installs Debian's nodejs")
    version = subprocess.run([node, "--version"], capture_output=True, text=True, check=True)
    major = int(version.stdout.strip().lstrip("v").split(".")[0])
    if major < 18:
        pytest.fail(f"node {version.stdout.strip()} has no global fetch; Node 18 or newer")
    return node


def test_node_flow_with_fetch(pipeline: Pipeline, tmp_path: Path) -> None:
    node = _node()
    assert NODE_TESTS, "tests/node/*.test.mjs"
    serve: Serve
    with (
        serve_process(pipeline.redis_url, tmp_path / "serve.log") as serve,
        SignupApp(pipeline.smtp_port) as app,
    ):
        env = {
            "PATH": "/usr/local/bin:/usr/bin:/bin",
            "OTPBRIDGE_API_URL": serve.url,
            "OTPBRIDGE_API_TOKEN": serve.admin_token,
            "WEBAPP_URL": app.url,
            "NO_COLOR": "1",
        }
        done = subprocess.run(
            [node, "--test", "--test-reporter=spec", *map(str, NODE_TESTS)],
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )
    print(done.stdout)
    logs = (tmp_path / "serve.log").read_text(errors="replace")
    assert done.returncode == 0, done.stdout + done.stderr + logs + pipeline.log("bridge")
    # serve logged each request without a token or a code in it.
    assert "http_request" in logs
    assert serve.admin_token not in logs
    assert "# fail 0" in done.stdout or "ℹ fail 0" in done.stdout
