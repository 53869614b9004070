
import pytest

from agora.db.pool import DatabasePools
from agora.db.sql import SQL
from agora.db.transaction import run_in_transaction
from agora.orm.environment import SUPERUSER_ID, Environment
from agora.orm.exceptions import UserError, ValidationError
from agora.testing.concurrency import run_concurrently

DATE = {"ir_sequence_date": "2024-03-05 14:07:09"}


def _pg_sequence_exists(env, sequence) -> bool:
    env.cr.execute(SQL("SELECT 1 FROM pg_class WHERE relkind = 'S' AND relname = %s",
                       f"ir_sequence_{sequence.id:03d}"))
    return env.cr.fetchone() is not None


def test_standard_sequence_formats_and_counts(env):
    seq = env["ir.sequence"].create({
        "name": "Invoices", "code": "test.inv", "prefix": "INV/%(year)s/%(month)s/",
        "suffix": "-%(y)s%(doy)s%(woy)s%(weekday)s %(h24)s:%(min)s:%(sec)s %(day)s",
        "padding": 4})
    assert _pg_sequence_exists(env, seq)
    seq = seq.with_context(**DATE)
    assert seq.next_by_id() == "INV/2024/03/0001-24065102 14:07:09 05"
    assert seq.next_by_id().startswith("INV/2024/03/0002")
    assert seq.number_next_actual == 3
    seq.write({"number_next": 10})
    assert seq.next_by_id().startswith("INV/2024/03/0010")
    seq.write({"number_increment": 5})
    assert seq.next_by_id().startswith("INV/2024/03/0015")
    assert seq.number_next_actual == 20
    seq.number_next_actual = 100
    assert seq.next_by_id().startswith("INV/2024/03/0100")
    seq.unlink()
    assert not _pg_sequence_exists(env, seq)


def test_literal_percent_and_no_padding(env):
    seq = env["ir.sequence"].create({"name": "P", "prefix": "100%%-", "padding": 0})
    assert seq.next_by_id() == "100%-1"


@pytest.mark.parametrize("prefix", ["%(user)s/", "%d/", "%(year)d", "50%"])
def test_unknown_interpolation_keys_are_refused(env, prefix):
    with pytest.raises(ValidationError) as info:
        env["ir.sequence"].create({"name": "Bad", "prefix": prefix})
    assert "ir.sequence" in str(info.value)


def test_bad_suffix_refused_on_write_and_draw(env):
    seq = env["ir.sequence"].create({"name": "S", "suffix": "/%(year)s"})
    with pytest.raises(ValidationError):
        seq.write({"suffix": "/%(login)s"})
    env.cr.rollback()


def test_next_by_code_prefers_company_sequence(env, company):
    sequences = env["ir.sequence"]
    sequences.create({"name": "Generic", "code": "test.code", "prefix": "G"})
    sequences.create({"name": "Company", "code": "test.code", "prefix": "C",
                      "company_id": company.id})
    assert sequences.next_by_code("test.code") == "G1"
    in_company = sequences.with_context(allowed_company_ids=[company.id])
    assert in_company.next_by_code("test.code") == "C1"
    assert in_company.next_by_code("test.code") == "C2"
    assert sequences.next_by_code("test.code") == "G2"
    assert sequences.next_by_code("test.unknown") is False
    assert sequences.next_by_code("test.code", sequence_date="2024-01-01") == "G3"


def test_no_gap_sequence(env):
    seq = env["ir.sequence"].create({"name": "NG", "implementation": "no_gap",
                                     "prefix": "%(year)s-", "number_increment": 2,
                                     "number_next": 7})
    assert not _pg_sequence_exists(env, seq)
    seq = seq.with_context(**DATE)
    assert [seq.next_by_id() for _ in range(3)] == ["2024-7", "2024-9", "2024-11"]
    assert seq.number_next == 13
    # A pending ORM write reaches the row before it is locked.
    seq.number_next = 50
    assert seq.next_by_id() == "2024-50"
    assert seq.number_next == 52


def test_switch_implementation_keeps_counting(env):
    seq = env["ir.sequence"].create({"name": "Sw", "number_next": 5})
    assert seq.next_by_id() == "5"
    seq.write({"implementation": "no_gap"})
    assert not _pg_sequence_exists(env, seq)
    assert seq.next_by_id() == "6"
    seq.write({"implementation": "standard"})
    assert _pg_sequence_exists(env, seq)
    assert seq.next_by_id() == "7"


def test_increment_zero_refused(env):
    with pytest.raises(ValidationError):
        env["ir.sequence"].create({"name": "Z", "number_increment": 0})


def test_interpolate_error_is_user_error():
    from agora.addons.base.models.ir_sequence import interpolate
    with pytest.raises(UserError, match="unknown key 'x'"):
        interpolate("%(x)s", {})


def test_gapless_under_concurrency(base_db, base_registry, committed):
    """20 parallel transactions draw from one gapless sequence: 20 distinct, consecutive
    numbers; the row lock serialises them and conflicts are replayed."""
    seq_id = committed(lambda env: env["ir.sequence"].create(
        {"name": "Concurrent", "implementation": "no_gap", "number_next": 1}).id)
    pools = DatabasePools(base_db, min_size=0, max_size=21)

    def draw(cr):
        env = Environment(cr, SUPERUSER_ID, {}, registry=base_registry)
        # Do some work in the transaction first, so transactions really overlap.
        env["ir.config_parameter"].search([])
        return env["ir.sequence"].browse(seq_id).next_by_id()

    try:
        results = run_concurrently(lambda: run_in_transaction(pools, draw, max_tries=12), 20)
    finally:
        pools.close()
    assert sorted(int(n) for n in results) == list(range(1, 21))
    assert committed(lambda env: env["ir.sequence"].browse(seq_id).number_next) == 21
    committed(lambda env: env["ir.sequence"].browse(seq_id).unlink())


def test_create_with_next_actual_sets_the_first_number(env):
    sequence = env["ir.sequence"].create({"name": "from actual", "number_next_actual": 42})
    assert sequence.number_next == 42 and sequence.next_by_id() == "42"
    zero = env["ir.sequence"].create({"name": "zero", "number_next_actual": 0})
    assert zero.number_next == 1


def test_switching_to_standard_with_next_actual(env):
    sequence = env["ir.sequence"].create({"name": "switch", "implementation": "no_gap"})
    sequence.write({"implementation": "standard", "number_next_actual": 7})
    assert sequence.number_next == 7 and sequence.next_by_id() == "7"
    sequence.write({"number_next_actual": 20})
    assert sequence.next_by_id() == "20"
