"""Helpers for tests of TOTP two-factor authentication: codes the server will accept."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any
from urllib.parse import parse_qs, urlparse

from agora.db.sql import SQL
from agora.security import totp


def secret_of(uri: str) -> str:
    """The secret of an ``otpauth://totp/...`` URI."""
    return parse_qs(urlparse(uri).query)["secret"][0]


def last_step(run: Callable[..., Any], uid: int) -> int | None:
    """The last time step the server accepted a code for (``run(work)``: a committed
    unit on the served database)."""
    def read(env: Any) -> int | None:
        env.cr.execute(SQL("SELECT totp_last_step FROM res_users WHERE id = %s", uid))
        return env.cr.fetchone()[0]
    return run(read)


def fresh_code(run: Callable[..., Any], uid: int, secret: str) -> str:
    """A code the server accepts now: a time step within the drift window and later than
    the last one it accepted (it refuses replays), waiting when the window is used up."""
    import pyotp

    last = last_step(run, uid)
    step = totp.current_step() if last is None else max(totp.current_step(), last + 1)
    while step > totp.current_step() + totp.DRIFT_STEPS:
        time.sleep(0.5)
    return pyotp.TOTP(secret).generate_otp(step)
