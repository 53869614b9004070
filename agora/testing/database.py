"""Test databases on a real PostgreSQL: ``AGORA_TEST_DB_URL`` or the embedded cluster."""

from __future__ import annotations

import os
import secrets
from pathlib import Path

from agora.db.url import create_database, drop_database, url_for_database


def server_url() -> str:
    """The server tests run on: AGORA_TEST_DB_URL, else a private embedded cluster."""
    url = os.environ.get("AGORA_TEST_DB_URL")
    if url:
        return url
    from agora.db.embedded import EmbeddedPostgres
    data_dir = Path(os.environ.get("AGORA_TEST_DATA_DIR", f"/tmp/agora-test-{os.getuid()}"))
    return EmbeddedPostgres(data_dir).start()


def new_database(url: str, prefix: str = "agora_test") -> tuple[str, str]:
    """Create a uniquely named database; return (name, its connection string)."""
    name = f"{prefix}_{os.getpid()}_{secrets.token_hex(4)}"
    create_database(url, name)
    return name, url_for_database(url, name)


def remove_database(url: str, name: str) -> None:
    drop_database(url, name, force=True)
