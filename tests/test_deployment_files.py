"""The container image and the compose file say what the README's deployment section says:
settings that exist, several webhook instances on PostgreSQL and Redis behind a proxy, an
extra worker, a non-root user and a health check on /healthz."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import yaml

from bot.config import Settings

ROOT = Path(__file__).resolve().parent.parent
SETTINGS = {name.upper() for name in Settings.model_fields}


def compose() -> dict[str, Any]:
    loaded: dict[str, Any] = yaml.safe_load((ROOT / "compose.yaml").read_text(encoding="utf-8"))
    return loaded


def test_the_services_are_the_documented_topology() -> None:
    services = compose()["services"]
    assert set(services) == {"db", "redis", "bot-1", "bot-2", "worker", "proxy"}
    assert services["db"]["image"].startswith("postgres:")
    assert services["redis"]["image"].startswith("redis:")
    assert services["worker"]["command"] == ["ediary", "worker"]
    assert "command" not in services["bot-1"]  # the image's own: ediary run
    caddyfile = (ROOT / "deploy" / "Caddyfile").read_text(encoding="utf-8")
    assert re.search(r"reverse_proxy bot-1:8080 bot-2:8080", caddyfile)
    assert "health_uri /healthz" in caddyfile


def test_every_instance_is_configured_for_running_several() -> None:
    services = compose()["services"]
    for name in ("bot-1", "bot-2", "worker"):
        environment: dict[str, str] = services[name]["environment"]
        assert set(environment) <= SETTINGS, set(environment) - SETTINGS  # no typo'd setting
        assert environment["DATABASE_URL"].startswith("postgresql+asyncpg://")
        assert environment["REDIS_URL"].startswith("redis://redis:")
        assert environment["WEBHOOK_URL"].startswith("https://")
        assert environment["HTTP_HOST"] == "0.0.0.0"  # noqa: S104 (inside the container)
        assert "SECRET_KEY" in environment  # the same key everywhere
    # The instances share one configuration, not two that could drift apart.
    assert services["bot-1"]["environment"] == services["bot-2"]["environment"]


def test_the_image_runs_as_a_user_with_a_health_check() -> None:
    dockerfile = (ROOT / "Dockerfile").read_text(encoding="utf-8")
    assert re.search(r"^FROM python:3\.1[1-9]-slim", dockerfile, re.M)
    users = re.findall(r"^USER (\S+)", dockerfile, re.M)
    assert users
    assert users[-1] not in {"root", "0"}
    assert re.search(r"^HEALTHCHECK .*\n?.*/healthz", dockerfile, re.M)
    assert dockerfile.rstrip().endswith('CMD ["ediary", "run"]')
    for name in re.findall(r"^ENV (.+?)(?=^\S)", dockerfile, re.M | re.S):
        for setting in re.findall(r"([A-Z_]+)=", name):
            assert setting in SETTINGS | {"PYTHONUNBUFFERED"}
