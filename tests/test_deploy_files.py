"""The deploy folder's files are valid for the tools that read them (no Docker engine needed)."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

DEPLOY = Path(__file__).resolve().parents[1] / "deploy"
SETTINGS = "POSTGRES_PASSWORD=example\nJOL_DOMAIN=jol.example.org\nBOT_TOKEN=123:abc\n"


def test_docker_compose_file_is_valid_and_runs_three_replicas_behind_a_proxy(tmp_path: Path) -> None:
    compose = shutil.which("docker-compose")
    if compose is None:
        pytest.skip("docker-compose is not installed (scripts/install-deploy-checkers.sh installs it)")
    shutil.copy(DEPLOY / "docker-compose.yml", tmp_path)
    shutil.copy(DEPLOY / "Caddyfile", tmp_path)
    (tmp_path / ".env").write_text(SETTINGS)
    result = subprocess.run([compose, "config"], cwd=tmp_path, capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    config = result.stdout
    assert "replicas: 3" in config
    for service in ("postgres:", "redis:", "bot:", "proxy:"):
        assert f"  {service}" in config
    assert "postgresql+asyncpg://jol:example@postgres:5432/jol" in config
    assert "https://jol.example.org/telegram" in config


def test_caddyfile_is_valid(tmp_path: Path) -> None:
    caddy = shutil.which("caddy")
    if caddy is None:
        pytest.skip("caddy is not installed (scripts/install-deploy-checkers.sh installs it)")
    result = subprocess.run([caddy, "validate", "--adapter", "caddyfile", "--config", str(DEPLOY / "Caddyfile")],
                            capture_output=True, text=True, timeout=60,
                            env={**os.environ, "JOL_DOMAIN": "jol.example.org", "HOME": str(tmp_path),
                                 "XDG_DATA_HOME": str(tmp_path), "XDG_CONFIG_HOME": str(tmp_path)})
    assert result.returncode == 0, result.stderr[-2000:]
    assert "Valid configuration" in result.stdout + result.stderr
