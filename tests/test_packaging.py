"""One import package, a light agent install, and jobs queued under the old names (issue 11)."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
import tomllib
import zipfile
from pathlib import Path

import pytest
import redis
from pipeline_helpers import Ingest, code_mail, run_jobs
from rq import Callback, Queue

from otpbridge.worker.events import decode_fields
from otpbridge.worker.keys import Keys, job_id
from otpbridge.worker.settings import QUEUE_NAME

ROOT = Path(__file__).resolve().parent.parent
SERVER_PACKAGES = (
    "imapclient",
    "rq",
    "html2text",
    "structlog",
    "rich",
    "prometheus_client",
    "aiosmtpd",
    "pymap",
)
#: Makes the server packages unimportable in a child, as on a plain ``pip install otpbridge``.
_BLOCKER = textwrap.dedent(
    f"""
    import sys
    class _Blocker:
        def find_spec(self, name, path=None, target=None):
            if name.split(".")[0] in {SERVER_PACKAGES!r}:
                raise ModuleNotFoundError(f"No module named {{name!r}}", name=name)
            return None
    sys.meta_path.insert(0, _Blocker())
    """
)


def _python(
    code: str, cwd: Path, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    full = {k: v for k, v in os.environ.items() if not k.startswith("OTPBRIDGE_")}
    full.pop("PYTHONPATH", None)
    full.update(env or {})
    return subprocess.run(
        [sys.executable, "-c", code],
        cwd=cwd,
        env=full,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def test_import_otpbridge_beside_a_users_own_worker_bridge_and_extract(tmp_path: Path) -> None:
    for name in ("worker", "bridge", "extract"):
        (tmp_path / f"{name}.py").write_text(f"raise SystemExit('the user\\'s {name}.py ran')\n")
    done = _python(
        "from otpbridge import AsyncClient, Client, totp\n"
        "import otpbridge.bridge.sdk, otpbridge.worker.jobs, otpbridge.extract\n"
        "print(totp('JBSWY3DPEHPK3PXP').isdigit())",
        tmp_path,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "True"


def test_no_module_loads_under_two_names(tmp_path: Path) -> None:
    done = _python(
        textwrap.dedent(
            """
            import os, pkgutil, sys, otpbridge
            skip = ("otpbridge.bridge.demo", "otpbridge.bridge.embedded.pymap_server")
            for info in pkgutil.walk_packages(otpbridge.__path__, "otpbridge."):
                if not info.name.startswith(skip):
                    __import__(info.name)
            tops = sorted({m.split(".")[0] for m in sys.modules})
            assert not {"bridge", "worker", "extract"} & set(tops), tops
            files = [os.path.realpath(m.__file__) for n, m in list(sys.modules.items())
                     if n.startswith("otpbridge") and getattr(m, "__file__", None)]
            assert len(files) == len(set(files)), "a file loaded twice"
            print(len(files))
            """
        ),
        tmp_path,
    )
    assert done.returncode == 0, done.stderr
    assert int(done.stdout) > 100


def test_the_agent_side_needs_no_server_package(tmp_path: Path, redis_url: str) -> None:
    base = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["dependencies"]
    names = {d.split("[")[0].split(">")[0].split("=")[0].strip().lower() for d in base}
    assert names == {"redis", "pyotp"}
    done = _python(
        _BLOCKER
        + textwrap.dedent(
            """
            from otpbridge import Client, AsyncClient, totp
            from otpbridge.bridge.cli import main
            assert main(["inbox", "create", "--ttl", "60"]) == 0
            assert main(["totp", "JBSWY3DPEHPK3PXP"]) == 0
            assert main(["bridge"]) == 2
            assert main(["worker"]) == 2
            """
        ),
        tmp_path,
        {"OTPBRIDGE_REDIS_URL": redis_url, "OTPBRIDGE_ADDRESS": "agents+{id}@corp.example"},
    )
    assert done.returncode == 0, done.stderr
    assert "pip install 'otpbridge[server]'" in done.stderr
    assert "agents+" in done.stdout


def test_jobs_queued_under_the_old_names_still_run(redis_url: str) -> None:
    client = redis.Redis.from_url(redis_url)
    keys = Keys()
    inbox = "a" * 20
    client.hset(keys.inbox(inbox), "address", f"agents+{inbox}@corp.example")
    ingest = Ingest(client)
    (mk,) = ingest.deliver_batch([(inbox, code_mail(f"agents+{inbox}@corp.example", "481516"))])
    # What a worker of the previous release would find in the queue.
    client.delete(f"rq:job:{job_id(inbox, mk)}")
    Queue(QUEUE_NAME, connection=client).enqueue(
        "worker.jobs.extract_job",
        args=(inbox, mk, 0),
        job_id="old-name-job",
        on_failure=Callback("worker.jobs.on_extract_failure"),
    )
    run_jobs(redis_url)
    events = [decode_fields(f) for _, f in client.xrange(keys.events(inbox))]
    assert [e["type"] for e in events] == ["received", "extracted"]
    assert events[1]["code"] == "481516"
    client.close()


@pytest.mark.slow
def test_the_wheel_installs_one_package(tmp_path: Path) -> None:
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(tmp_path), str(ROOT)],
        check=True,
        timeout=300,
    )
    (wheel,) = tmp_path.glob("otpbridge-*.whl")
    tops = {name.split("/")[0] for name in zipfile.ZipFile(wheel).namelist()}
    assert tops == {"otpbridge", wheel.name.split("-py3")[0] + ".dist-info"}
    names = zipfile.ZipFile(wheel).namelist()
    assert "otpbridge/bridge/sdk/client.py" in names
    assert "otpbridge/extract/codes/otp.py" in names
    # The extractor's data: words per language and the confidence calibration.
    assert "otpbridge/extract/lang/en.toml" in names
    assert "otpbridge/extract/calibration.json" in names
    assert "otpbridge/extract/codes/fitted.json" in names
    assert "otpbridge/extract/links/fitted.json" in names
    assert "otpbridge/py.typed" in names


def test_eval_scores_the_golden_pairs_from_a_clone(capsys: pytest.CaptureFixture[str]) -> None:
    from otpbridge.bridge.cli import main  # noqa: PLC0415

    assert main(["eval", str(ROOT / "tests" / "golden"), "--quiet"]) == 0
    last = capsys.readouterr().out.strip().splitlines()[-1]
    assert last.startswith("code_acc=1.000 link_acc=1.000 false_pos=0.000 n=")
