"""Property tests: random invoices always post balanced with consistent totals, and the
tax arithmetic keeps its promises for any price, quantity and set of taxes."""

from __future__ import annotations

import contextlib
import math
from datetime import date

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from agora.addons.account.tax_math import TaxSpec, compute_taxes

# -- random invoices through the ORM ---------------------------------------------------

CHART_TAXES = ("15%", "15% (included)", "0% (exempt)", "Eco fee 1.00")

money = st.integers(min_value=1, max_value=1_000_000).map(lambda c: c / 100)  # 0.01 .. 10000
quantities = st.one_of(st.integers(min_value=1, max_value=50).map(float),
                       st.integers(min_value=1, max_value=4000).map(lambda q: q / 100))
discounts = st.one_of(st.just(0.0), st.integers(min_value=0, max_value=10000).map(
    lambda d: d / 100))
invoice_lines = st.lists(
    st.tuples(money, quantities, discounts,
              st.sets(st.sampled_from(CHART_TAXES), max_size=3)),
    min_size=1, max_size=8)


class _RollBack(Exception):
    """Raised at the end of each example so its savepoint is undone."""


@contextlib.contextmanager
def _example_savepoint(env):
    with contextlib.suppress(_RollBack), env.cr.savepoint():
        yield
        # reached when the example's block ends normally (even by return): undo it;
        # a failing example's exception rolls the savepoint back on its way out
        raise _RollBack


def _taxes_by_name(env, move_type):
    use = "purchase" if move_type.startswith("in_") else "sale"
    taxes = {}
    for name in CHART_TAXES:
        # the purchase 15% for bills; the other chart taxes serve any document: the
        # arithmetic does not depend on a tax's use
        taxes[name] = env["account.tax"].search(
            [("name", "=", name), ("type_tax_use", "in", (use, "sale"))],
            order="type_tax_use desc" if use == "sale" else "type_tax_use asc", limit=1)
    return taxes


@settings(max_examples=50, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(lines=invoice_lines,
       move_type=st.sampled_from(["out_invoice", "out_refund", "in_invoice", "in_refund"]),
       rounding=st.sampled_from(["round_per_line", "round_globally"]),
       usd_rate=st.one_of(st.none(), st.sampled_from([1.25, 0.7391, 3.3333])),
       installments=st.one_of(st.none(), st.sampled_from([(30.0, 70.0), (33.33, 33.33, 33.34)])))
def test_random_invoices_post_balanced(env, customer, lines, move_type, rounding, usd_rate,
                                       installments):
    with _example_savepoint(env):
        # nothing left over from the previous examples
        assert not env["account.move"].search_count([("partner_id", "=", customer.id)])
        env.company.write({"tax_calculation_rounding_method": rounding})
        header = {"invoice_date": date(2026, 6, 15)}
        if usd_rate:
            usd = env.ref("base.USD")
            usd.write({"active": True})
            env["res.currency.rate"].create({"currency_id": usd.id, "rate": usd_rate,
                                             "name": date(2026, 1, 1)})
            header["currency_id"] = usd.id
        if installments:
            header["invoice_payment_term_id"] = env["account.payment.term"].create({
                "name": "installments", "line_ids": [
                    (0, 0, {"value_amount": share, "nb_days": 30 * n})
                    for n, share in enumerate(installments)]}).id
        taxes = _taxes_by_name(env, move_type)
        invoice = env["account.move"].create({
            "move_type": move_type, "partner_id": customer.id, **header,
            "invoice_line_ids": [
                (0, 0, {"name": f"line {i}", "price_unit": price, "quantity": qty,
                        "discount": discount,
                        "tax_ids": [(6, 0, [taxes[name].id for name in sorted(names)])]})
                for i, (price, qty, discount, names) in enumerate(lines)]})
        invoice.action_post()
        _check_invoice(invoice)


def _check_invoice(invoice):
    assert invoice.state == "posted" and invoice.name.count("/") == 2
    all_lines = invoice.line_ids
    assert round(sum(all_lines.mapped("balance")), 2) == 0, _dump(invoice)
    per_currency: dict[int, float] = {}
    for line in all_lines:
        per_currency[line.currency_id.id] = per_currency.get(line.currency_id.id, 0.0) + \
            line.amount_currency
        assert line.debit == 0 or line.credit == 0
        assert round(line.balance, 2) == line.balance
    assert all(round(total, 2) == 0 for total in per_currency.values()), _dump(invoice)
    products = all_lines.filtered(lambda line: line.display_type == "product")
    tax_lines = all_lines.filtered(lambda line: line.display_type == "tax")
    terms = all_lines.filtered(lambda line: line.display_type == "payment_term")
    assert round(invoice.amount_untaxed + invoice.amount_tax, 2) == invoice.amount_total
    assert round(sum(products.mapped("price_subtotal")), 2) == invoice.amount_untaxed
    assert round(sum(tax_lines.mapped("price_subtotal")), 2) == invoice.amount_tax
    sign = invoice._direction_sign()
    assert round(sum(tax_lines.mapped("amount_currency")), 2) == round(
        sign * invoice.amount_tax, 2)
    assert round(sum(terms.mapped("amount_currency")), 2) == round(
        -sign * invoice.amount_total, 2)
    assert len(terms) == (len(invoice.invoice_payment_term_id.line_ids) or 1)
    assert invoice.amount_residual == invoice.amount_total
    # an invoice of zero owes nothing: it is settled when posted
    assert invoice.payment_state == ("paid" if invoice.amount_total == 0 else "not_paid")


@settings(max_examples=25, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(lines=st.lists(st.tuples(money, quantities), min_size=1, max_size=3),
       shares=st.lists(st.integers(min_value=1, max_value=100), min_size=1, max_size=4),
       settle=st.booleans())
def test_payments_add_up(env, customer, lines, shares, settle):
    """Paying an invoice in several payments: the residual is what is left, the state
    follows it, and the last payment settles the whole group in one full reconcile."""
    with _example_savepoint(env):
        tax = env["account.tax"].search([("name", "=", "15%"), ("type_tax_use", "=", "sale")],
                                        limit=1)
        invoice = env["account.move"].create({
            "move_type": "out_invoice", "partner_id": customer.id,
            "invoice_line_ids": [(0, 0, {"name": f"l{i}", "price_unit": price, "quantity": qty,
                                         "tax_ids": [(6, 0, tax.ids)]})
                                 for i, (price, qty) in enumerate(lines)]})
        invoice.action_post()
        total_cents = round(invoice.amount_total * 100)
        weights = sum(shares) + (0 if settle else 1)  # an unpaid share when not settling
        amounts = [total_cents * share // weights for share in shares]
        if settle:
            amounts[-1] = total_cents - sum(amounts[:-1])
        amounts = [cents for cents in amounts if cents > 0]
        for amount in amounts:
            env["account.payment.register"].with_context(
                active_model="account.move", active_ids=invoice.ids).create(
                {"amount": amount / 100}).action_create_payments()
        left = (total_cents - sum(amounts)) / 100
        assert invoice.amount_residual == left
        term = invoice.line_ids.filtered(lambda line: line.display_type == "payment_term")
        assert round(sum(term.mapped("amount_residual")), 2) == left
        if not left:
            assert invoice.payment_state == "paid"
            # (an invoice of zero is paid when posted: nothing to match)
            if amounts:
                full = term.full_reconcile_id
                assert full and full.partial_reconcile_ids == term.matched_credit_ids
                assert len(full.reconciled_line_ids) == len(amounts) + len(term)
        else:
            assert invoice.payment_state == ("partial" if amounts else "not_paid")
            assert not term.full_reconcile_id


def _dump(invoice):
    return "\n".join(f"{line.display_type:13} {line.account_id.code} "
                     f"bal={line.balance} cur={line.amount_currency}"
                     for line in invoice.line_ids)


# -- the pure arithmetic -------------------------------------------------------------

def cents(amount: float) -> float:
    """Rounding to 0.01, half away from zero, like ``res.currency.round``."""
    rounded = math.floor(abs(amount) / 0.01 + 0.5 + 1e-9) * 0.01
    return round(math.copysign(rounded, amount), 2)


def _is_cent(value: float) -> bool:
    return abs(value * 100 - round(value * 100)) < 1e-6


percent_taxes = st.builds(
    lambda i, amount, included: TaxSpec(i, f"p{i}", "percent", amount, included),
    st.integers(min_value=1, max_value=10**6),
    st.integers(min_value=0, max_value=5000).map(lambda a: a / 100),  # 0 .. 50%
    st.booleans())
fixed_taxes = st.builds(
    lambda i, amount, included: TaxSpec(i, f"f{i}", "fixed", amount, included),
    st.integers(min_value=1, max_value=10**6),
    st.integers(min_value=0, max_value=500).map(lambda a: a / 100),
    st.booleans())
tax_lists = st.lists(st.one_of(percent_taxes, fixed_taxes), max_size=4)
signed_quantities = st.integers(min_value=-5000, max_value=5000).filter(bool).map(
    lambda q: q / 100)


@settings(max_examples=300, deadline=None)
@given(taxes=tax_lists, price=money, quantity=signed_quantities, per_line=st.booleans())
def test_included_taxes_give_back_the_typed_price(taxes, price, quantity, per_line):
    included = [tax for tax in taxes if tax.price_include] or \
        [TaxSpec(1, "15%", "percent", 15.0, True)]
    result = compute_taxes(included, price, quantity, cents, per_line)
    typed = cents(price * quantity) if per_line else round(price * quantity, 6)
    assert abs(result.total_included - typed) < 1e-6
    assert abs(result.total_excluded + sum(a.amount for a in result.taxes) - typed) < 1e-6


@settings(max_examples=300, deadline=None)
@given(taxes=tax_lists, price=money, quantity=signed_quantities)
def test_per_line_rounding_gives_whole_cents(taxes, price, quantity):
    result = compute_taxes(taxes, price, quantity, cents, round_per_line=True)
    assert _is_cent(result.total_excluded) and _is_cent(result.total_included)
    for tax_amount in result.taxes:
        assert _is_cent(tax_amount.amount) and _is_cent(tax_amount.base)
    assert abs(result.total_included - result.total_excluded -
               sum(a.amount for a in result.taxes)) < 1e-6


@settings(max_examples=300, deadline=None)
@given(taxes=tax_lists, price=money, quantity=signed_quantities, per_line=st.booleans())
def test_negative_quantities_mirror_the_amounts(taxes, price, quantity, per_line):
    forward = compute_taxes(taxes, price, quantity, cents, per_line)
    backward = compute_taxes(taxes, price, -quantity, cents, per_line)
    assert backward.total_excluded == -forward.total_excluded
    assert backward.total_included == -forward.total_included
    assert [a.amount for a in backward.taxes] == [-a.amount for a in forward.taxes]
    assert [a.base for a in backward.taxes] == [-a.base for a in forward.taxes]


@settings(max_examples=200, deadline=None)
@given(taxes=tax_lists, price=money, quantity=signed_quantities)
def test_excluded_taxes_do_not_change_the_base(taxes, price, quantity):
    excluded = [tax for tax in taxes if not tax.price_include]
    result = compute_taxes(excluded, price, quantity, cents)
    assert result.total_excluded == cents(price * quantity)
