"""The key for HMACs of link codes, API tokens and the webhook secret.

On the embedded SQLite default an operator should not have to invent a key: one is
generated once and kept beside the database file, because codes hashed with it are
useless without it. With PostgreSQL several instances must share one key, so it has to
be configured.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import os
import secrets
from pathlib import Path

from bot.config import ConfigurationError, Settings
from db.engine import normalize_database_url, sqlite_file

log = logging.getLogger(__name__)


def key_file_for(database_file: str) -> Path:
    return Path(f"{database_file}.secret-key")


def resolve_secret_key(settings: Settings) -> str:
    if settings.secret_key is not None:
        return settings.secret_key.get_secret_value()
    url = normalize_database_url(settings.database_url)
    if url.get_backend_name() != "sqlite":
        raise ConfigurationError(
            "SECRET_KEY is not set: with PostgreSQL every instance must share one key; set "
            "SECRET_KEY to the output of "
            "python3 -c 'import secrets; print(secrets.token_urlsafe(32))'"
        )
    database_file = sqlite_file(url)
    if database_file is None:
        # An in-memory database lives as long as the process, and so may its key.
        return secrets.token_urlsafe(32)
    path = key_file_for(database_file)
    if path.exists():
        key = path.read_text(encoding="utf-8").strip()
        if len(key) < 32:
            raise ConfigurationError(f"SECRET_KEY: the key kept in {path} is damaged; restore it")
        return key
    key = secrets.token_urlsafe(32)
    path.parent.mkdir(parents=True, exist_ok=True)
    # Created with owner-only permissions from the start: never world-readable, not even briefly.
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "w", encoding="utf-8") as file:
        file.write(key + "\n")
    log.warning(
        "SECRET_KEY is not set: generated one and stored it in %s; keep it with the database "
        "(back them up together) or set SECRET_KEY yourself",
        path,
    )
    return key


def derive_secret(secret_key: str, purpose: str) -> str:
    """A separate secret per purpose, so that no two uses share the raw key."""
    return hmac.new(secret_key.encode(), purpose.encode(), hashlib.sha256).hexdigest()


def keyed_hash(secret_key: str, purpose: str, value: str) -> str:
    """HMAC-SHA256 of a secret value (API token, link code): what is stored instead of it.

    Without the key a stolen database does not let anyone test guesses offline.
    """
    key = derive_secret(secret_key, purpose).encode()
    return hmac.new(key, value.encode(), hashlib.sha256).hexdigest()
