"""Gapless numbering under concurrency: threads post invoices in the same journal, each
in its own committed transaction replayed on serialization failures; the journal's
numbers come out exactly 1..K, without gap or duplicate, even when some transactions
roll back after drawing a number."""

from __future__ import annotations

import itertools
import threading
from collections.abc import Iterator
from datetime import date

import pytest

from agora.db.pool import DatabasePools
from agora.db.transaction import run_in_transaction
from agora.modules.registry_manager import registry_for
from agora.orm.environment import SUPERUSER_ID, Environment
from agora.testing.addons import installed_database
from agora.testing.concurrency import run_concurrently
from agora.testing.database import run_committed

THREADS = 4
INVOICES_PER_THREAD = 5
INVOICE_DATE = date(2031, 3, 1)  # a year no other test numbers in
PREFIX = "INV/2031/"


class _Abandoned(Exception):
    """A unit of work given up after its invoice was posted (and numbered)."""


@pytest.fixture(scope="module")
def numbering_db(agora_server_url: str) -> Iterator[str]:
    # committed data: a database of its own, dropped at the end
    with installed_database(agora_server_url, ["account"],
                            prefix="agora_account_numbering") as conninfo:
        yield conninfo


def _setup(env: Environment) -> dict[str, int]:
    partner = env["res.partner"].create({"name": "Concurrent Customer"})
    tax = env["account.tax"].search([("name", "=", "15%"), ("type_tax_use", "=", "sale")],
                                    limit=1)
    return {"partner": partner.id, "tax": tax.id}


def test_concurrent_posts_number_without_gaps(numbering_db):
    ids = run_committed(numbering_db, _setup)
    pools = DatabasePools(numbering_db, min_size=0, max_size=THREADS + 1)
    attempts = itertools.count()
    abandoned: list[str] = []
    lock = threading.Lock()

    def post_one(index: int, abandon: bool):
        def work(cr):
            next(attempts)
            env = Environment(cr, SUPERUSER_ID, {}, registry=registry_for(cr))
            invoice = env["account.move"].create({
                "move_type": "out_invoice", "partner_id": ids["partner"],
                "invoice_date": INVOICE_DATE,
                "invoice_line_ids": [(0, 0, {"name": f"unit {index}", "price_unit": 10.0 + index,
                                             "quantity": 1, "tax_ids": [(6, 0, [ids["tax"]])]})]})
            invoice.action_post()
            name = invoice.name
            env.flush_all()
            if abandon:
                with lock:
                    abandoned.append(name)
                raise _Abandoned(name)
            return name
        return work

    def worker() -> list[str]:
        names = []
        thread_id = threading.get_ident()
        for n in range(INVOICES_PER_THREAD):
            index = thread_id % 1000 * 100 + n
            # every thread also abandons one posted invoice: its number must come back
            if n == 2:
                with pytest.raises(_Abandoned):
                    run_in_transaction(pools, post_one(index, True), max_tries=50)
            names.append(run_in_transaction(pools, post_one(index, False), max_tries=50))
        return names

    try:
        results = run_concurrently(worker, THREADS)
    finally:
        pools.close()
    names = [name for thread_names in results for name in thread_names]
    total = THREADS * INVOICES_PER_THREAD
    assert len(names) == total and len(set(names)) == total

    def committed_numbers(env: Environment):
        moves = env["account.move"].search([("name", "=like", f"{PREFIX}%")])
        counter = env["account.journal.counter"].search([("prefix", "=", PREFIX)])
        return sorted(moves.mapped("name")), counter.last_number, moves.mapped("journal_id.code")

    stored, last_number, journals = run_committed(numbering_db, committed_numbers)
    assert journals == ["INV"]
    assert stored == sorted(names)
    assert sorted(int(name.rsplit("/", 1)[1]) for name in stored) == list(range(1, total + 1))
    assert last_number == total
    # the rolled-back posts did draw numbers; they were given back, not skipped
    assert len(abandoned) == THREADS
    assert all(name.startswith(PREFIX) for name in abandoned)
    print(f"\n{total} invoices posted by {THREADS} threads in {next(attempts)} attempts "
          f"(including {THREADS} abandoned)")
