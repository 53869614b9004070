"""The outgoing e-mail queue's transaction plumbing.

Creating a ``mail.mail`` never talks to SMTP: the ids are remembered on the cursor and a
post-commit hook sends them once the transaction that created them has committed (a
rollback drops the hook, so nothing is sent). The hook runs its own transaction on the
same, now idle, connection; rows are claimed with ``FOR UPDATE SKIP LOCKED`` so another
worker (the cron job, another request) never sends the same mail. Whatever fails in the
hook is logged and left to the cron job: the user's transaction is already committed and
never sees an SMTP error.
"""

from __future__ import annotations

import logging
import weakref
from typing import Any

from agora.db.cursor import Cursor
from agora.db.transaction import RETRYABLE_ERRORS
from agora.orm.environment import SUPERUSER_ID, Environment

_logger = logging.getLogger(__name__)

#: cursor -> (its post-commit hook, the mail ids that hook will send)
_pending: weakref.WeakKeyDictionary[Cursor, tuple[Any, list[int]]] = weakref.WeakKeyDictionary()

#: how often the hook replays its transaction when it conflicts with another sender
HOOK_TRIES = 3


def send_after_commit(env: Environment, mail_ids: list[int]) -> None:
    """Send ``mail_ids`` once the transaction of ``env.cr`` commits."""
    if not mail_ids:
        return
    cr = env.cr
    entry = _pending.get(cr)
    if entry is None or entry[0] not in cr.postcommit:
        ids: list[int] = []
        registry, connection = env.registry, cr.connection
        # weak: the hook is the value of a weak-keyed entry and must not keep its key alive
        origin = weakref.ref(cr)

        def send_committed_mails() -> None:
            _send_in_new_transaction(connection, registry, ids, origin())

        entry = (send_committed_mails, ids)
        _pending[cr] = entry
        cr.postcommit.append(send_committed_mails)
    entry[1].extend(mail_ids)


def _send_in_new_transaction(connection: Any, registry: Any, ids: list[int],
                             origin: Cursor | None) -> None:
    if connection.closed:
        return
    for attempt in range(1, HOOK_TRIES + 1):
        try:
            with Cursor(connection) as cr:
                env = Environment(cr, SUPERUSER_ID, {}, registry=registry)
                env["mail.mail"]._process_queue(ids=ids, retry_failed=False)
            break
        except RETRYABLE_ERRORS:
            # another sender committed these rows after our snapshot: look again
            _logger.info("mail queue: conflict with another sender (try %d)", attempt)
        except Exception:
            _logger.exception("mail queue: sending %d mail(s) after commit failed; "
                              "the cron job will retry", len(ids))
            break
    if origin is not None and origin.transaction is not None:
        # the mails' states changed under the committed transaction's cache
        origin.transaction.invalidate()
