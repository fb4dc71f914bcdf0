"""deploy/: Kubernetes schemas, Dockerfile lint, YAML lint, and the invariants the docs promise."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import kubernetes_validate  # type: ignore[import-untyped]
import pytest
import redis
import yaml  # type: ignore[import-untyped]

from otpbridge.worker.settings import JOB_TIMEOUT_S, QUEUE_NAME

DEPLOY = Path(__file__).resolve().parent.parent / "deploy"
K8S = DEPLOY / "k8s"
_BIN = Path(sys.executable).parent
_K8S_VERSION = "1.30.0"


def _docs(path: Path) -> list[dict[str, Any]]:
    return [d for d in yaml.safe_load_all(path.read_text()) if d]


def _resources() -> list[tuple[str, dict[str, Any]]]:
    kustomization = yaml.safe_load((K8S / "kustomization.yaml").read_text())
    return [(name, doc) for name in kustomization["resources"] for doc in _docs(K8S / name)]


def _by_kind(kind: str) -> dict[str, dict[str, Any]]:
    return {d["metadata"]["name"]: d for _, d in _resources() if d["kind"] == kind}


def _tool(name: str) -> str:
    found = _BIN / name
    return str(found) if found.exists() else (shutil.which(name) or name)


def test_kustomization_lists_every_manifest() -> None:
    listed = set(yaml.safe_load((K8S / "kustomization.yaml").read_text())["resources"])
    on_disk = {p.name for p in K8S.glob("*.yaml")} - {"kustomization.yaml"}
    assert listed == on_disk


@pytest.mark.parametrize("name", sorted(p.name for p in K8S.glob("*.yaml")))
def test_manifest_validates_against_kubernetes_schema(name: str) -> None:
    for doc in _docs(K8S / name):
        if doc["apiVersion"].startswith(("keda.sh/", "kustomize.config.k8s.io/")):
            continue  # CRDs/kustomize: no upstream schema offline; checked structurally below
        kubernetes_validate.validate(doc, _K8S_VERSION, strict=True)


def test_keda_scales_the_worker_on_the_rq_queue() -> None:
    scaled = _by_kind("ScaledObject")["otpbridge-worker"]
    auth = _by_kind("TriggerAuthentication")
    assert scaled["spec"]["scaleTargetRef"]["name"] in _by_kind("Deployment")
    (trigger,) = scaled["spec"]["triggers"]
    assert trigger["type"] == "redis"
    assert trigger["metadata"]["listName"] == f"rq:queue:{QUEUE_NAME}"
    assert int(trigger["metadata"]["listLength"]) > 0
    assert trigger["authenticationRef"]["name"] in auth
    assert scaled["spec"]["minReplicaCount"] >= 1


def test_deployments_are_hardened_and_probed() -> None:
    deployments = _by_kind("Deployment")
    assert set(deployments) == {"otpbridge-bridge", "otpbridge-worker", "otpbridge-serve"}
    for dep in deployments.values():
        pod = dep["spec"]["template"]["spec"]
        assert pod["securityContext"]["runAsNonRoot"] is True
        assert pod["automountServiceAccountToken"] is False
        for c in pod["containers"]:
            sc = c["securityContext"]
            assert sc["readOnlyRootFilesystem"] is True
            assert sc["allowPrivilegeEscalation"] is False
            assert sc["capabilities"]["drop"] == ["ALL"]
            assert c["resources"]["requests"]
            assert c["livenessProbe"]["httpGet"]["path"] == "/healthz"
            assert c["readinessProbe"]["httpGet"]["path"] == "/readyz"


def test_one_bridge_leader_and_worker_grace_longer_than_job_timeout() -> None:
    deployments = _by_kind("Deployment")
    bridge = deployments["otpbridge-bridge"]["spec"]
    assert bridge["replicas"] == 1
    assert bridge["strategy"]["type"] == "Recreate"
    worker = deployments["otpbridge-worker"]["spec"]["template"]["spec"]
    assert worker["terminationGracePeriodSeconds"] > JOB_TIMEOUT_S
    pdb = _by_kind("PodDisruptionBudget")["otpbridge-worker"]
    labels = deployments["otpbridge-worker"]["spec"]["selector"]["matchLabels"]
    assert pdb["spec"]["selector"]["matchLabels"] == labels


def test_compose_redis_is_persistent_and_never_evicts() -> None:
    compose = yaml.safe_load((DEPLOY / "compose.yaml").read_text())
    services = compose["services"]
    assert {"redis", "dovecot", "bridge", "worker"} <= set(services)
    command = services["redis"]["command"]
    assert command[command.index("--appendonly") + 1] == "yes"
    assert command[command.index("--maxmemory-policy") + 1] == "noeviction"
    assert command[command.index("--stream-node-max-bytes") + 1] == "1024"
    assert services["worker"]["deploy"]["replicas"] == 2
    assert services["bridge"]["command"] == ["bridge"]


def test_embedded_redis_uses_the_compact_stream_nodes_of_compose(redis_client: redis.Redis) -> None:
    # Same setting as compose: an inbox stream with one mail is ~1.7 KB, not ~4.7 KB.
    assert redis_client.config_get("stream-node-max-bytes") == {"stream-node-max-bytes": "1024"}


def test_dockerfile_passes_hadolint() -> None:
    proc = subprocess.run(
        [_tool("hadolint"), str(DEPLOY / "Dockerfile")],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
    text = (DEPLOY / "Dockerfile").read_text()
    assert "\nUSER 10001" in text


def test_all_yaml_passes_yamllint() -> None:
    proc = subprocess.run(
        [_tool("yamllint"), "--strict", "-c", str(DEPLOY / ".yamllint"), str(DEPLOY)],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr


def test_compose_dovecot_config_parses(tmp_path: Path) -> None:
    doveconf = shutil.which("doveconf") or "/usr/bin/doveconf"
    if not Path(doveconf).exists():
        pytest.fail("doveconf is not installed; run the README's test command, which installs it")
    users = tmp_path / "users"
    users.write_text((DEPLOY / "dovecot" / "users").read_text())
    conf = tmp_path / "dovecot.conf"
    conf.write_text(
        (DEPLOY / "dovecot" / "dovecot.conf").read_text().replace("/etc/dovecot/users", str(users))
    )
    proc = subprocess.run(
        [doveconf, "-c", str(conf), "-n"], capture_output=True, text=True, timeout=30, check=False
    )
    assert proc.returncode == 0, proc.stderr
    assert "allow_all_users=yes" in proc.stdout


def test_serve_exposes_the_api_port_only_and_reads_its_token_from_the_secret() -> None:
    serve = _by_kind("Deployment")["otpbridge-serve"]["spec"]["template"]["spec"]
    (container,) = serve["containers"]
    assert container["args"] == ["serve"]
    ports = {p["name"]: p["containerPort"] for p in container["ports"]}
    env = {e["name"]: e for e in container["env"]}
    assert str(ports["http"]) == env["OTPBRIDGE_HTTP_PORT"]["value"]
    assert env["OTPBRIDGE_HTTP_HOST"]["value"] == "0.0.0.0"
    assert env["OTPBRIDGE_API_TOKEN_FILE"]["value"].startswith("/run/secrets/otpbridge/")
    assert "OTPBRIDGE_API_TOKEN" not in env
    service = _by_kind("Service")["otpbridge-serve"]["spec"]
    assert [p["targetPort"] for p in service["ports"]] == ["http"]
    assert service["selector"] == serve_labels()
    compose = yaml.safe_load((DEPLOY / "compose.yaml").read_text())["services"]["serve"]
    assert compose["command"] == ["serve"]
    assert compose["environment"]["OTPBRIDGE_HTTP_HOST"] == "0.0.0.0"
    assert all(p.startswith("127.0.0.1:") for p in compose["ports"])


def serve_labels() -> dict[str, str]:
    dep = _by_kind("Deployment")["otpbridge-serve"]
    labels: dict[str, str] = dep["spec"]["selector"]["matchLabels"]
    return labels
