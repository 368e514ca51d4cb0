"""docker-compose.yml: valid for Docker Compose (when it is installed), a demo profile, health
checks, no secret in the file, and every variable it uses named in the README's deployment
section."""
import os
import pathlib
import re
import shutil
import subprocess

import pytest
import yaml

ROOT = pathlib.Path(__file__).resolve().parents[2]
COMPOSE = ROOT / "docker-compose.yml"


def compose_available():
    if shutil.which("docker") is None:
        return False
    probe = subprocess.run(["docker", "compose", "version"], capture_output=True, timeout=30,
                           check=False)
    return probe.returncode == 0


def deployment_section():
    readme = (ROOT / "README.md").read_text()
    start = readme.index("## Deployment")
    end = readme.find("\n## ", start + 1)
    return readme[start:end if end != -1 else None]


def test_docker_compose_config_validates():
    if not compose_available():
        pytest.skip("the Docker CLI with the compose plugin is not installed here "
                    "(`docker compose version` fails)")
    env = {**os.environ, "SECRET_KEY": "x" * 32, "MINIO_ROOT_PASSWORD": "y" * 16}
    for profile in ([], ["--profile", "demo"]):
        result = subprocess.run(["docker", "compose", *profile, "config", "--quiet"], cwd=ROOT,
                                env=env, capture_output=True, text=True, timeout=60,
                                check=False)
        assert result.returncode == 0, result.stderr


def test_the_compose_file_runs_it_all():
    spec = yaml.safe_load(COMPOSE.read_text())
    services = spec["services"]
    assert {"fieldkit", "redis", "minio", "minio-bucket", "emulator"} <= set(services)
    assert services["emulator"]["profiles"] == ["demo"]
    assert all("profiles" not in services[name] for name in ("fieldkit", "redis", "minio"))
    for name in ("redis", "minio"):
        assert services[name]["healthcheck"]["test"], name
    # Fieldkit's healthcheck is the image's (Dockerfile HEALTHCHECK on /healthz).
    dockerfile = (ROOT / "Dockerfile").read_text()
    assert re.search(r"HEALTHCHECK[^\n]*\n[^\n]*/healthz", dockerfile)
    assert services["fieldkit"]["build"]["target"] == "app"
    assert services["fieldkit"]["depends_on"]["redis"]["condition"] == "service_healthy"
    assert set(spec["volumes"]) >= {"redis-data", "minio-data", "fieldkit-instance"}
    env = services["fieldkit"]["environment"]
    assert env["REDIS_URL"].startswith("redis://redis:")
    # Secrets come from .env: required, never written in the file.
    assert env["SECRET_KEY"].startswith("${SECRET_KEY:?")
    assert services["fieldkit"]["env_file"][0]["path"] == ".env"


def test_the_readme_names_every_variable_the_compose_file_uses():
    text = COMPOSE.read_text()
    spec = yaml.safe_load(text)
    interpolated = set(re.findall(r"(?<!\$)\$\{([A-Z][A-Z0-9_]*)", text))
    passed = set(spec["services"]["fieldkit"]["environment"])
    section = deployment_section()
    missing = sorted(name for name in interpolated | passed if f"`{name}" not in section)
    assert missing == [], f"README's Deployment section does not name {missing}"
    assert interpolated >= {"SECRET_KEY", "MINIO_ROOT_PASSWORD", "ODOO_URL"}
