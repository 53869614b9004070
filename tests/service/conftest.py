"""Fixtures of the serving tests: ``agora serve`` subprocesses on the served database."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import ExitStack

import pytest

from tests.service.serving import ServeProcess


@pytest.fixture
def start_server(agora_server_url: str, agora_served_db: str
                 ) -> Iterator[Callable[..., ServeProcess]]:
    """``start_server(*args)``: an ``agora serve`` on the served database, stopped after
    the test if the test did not stop it."""
    with ExitStack() as stack:
        yield lambda *args: stack.enter_context(
            ServeProcess(agora_server_url, agora_served_db, *args))
