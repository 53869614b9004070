"""Accounting reports: trial balance, general ledger, aged balances, profit and loss and
balance sheet over posted entries of one company, with query counts that do not grow
with the number of accounts or partners.

Each test works in a company of its own (created with the generic chart), so nothing
else in the database can change the figures."""

from __future__ import annotations

from datetime import date

import pytest

from agora import exceptions
from agora.testing.queries import assert_queries
from tests.addons_account.conftest import make_invoice

TB = "account.report.trial_balance"
GL = "account.report.general_ledger"
AGED = "account.report.aged_partner_balance"
PL = "account.report.profit_and_loss"
BS = "account.report.balance_sheet"


@pytest.fixture
def cenv(env):
    """The environment working in a new company with the generic chart."""
    company = env["res.company"].create({"name": "Reports Co",
                                         "currency_id": env.company.currency_id.id})
    return env(context={**env.context, "allowed_company_ids": [company.id]})


@pytest.fixture
def alice(cenv):
    return cenv["res.partner"].create({"name": "Alice Retail"})


@pytest.fixture
def bob(cenv):
    return cenv["res.partner"].create({"name": "Bob Builders"})


@pytest.fixture
def vendor(cenv):
    return cenv["res.partner"].create({"name": "Vera Supplies"})


def account(env, code):
    return env["account.account"].search([("code", "=", code),
                                          ("company_id", "=", env.company.id)])


def tax(env):
    return env["account.tax"].search([("name", "=", "15%"), ("type_tax_use", "=", "sale"),
                                      ("company_id", "=", env.company.id)])


def posted(env, partner, amount, day, move_type="out_invoice", taxes=None, **header):
    move = make_invoice(env, partner, [(amount, 1, taxes if taxes is not None
                                        else env["account.tax"])],
                        move_type=move_type, date=day, invoice_date=day, **header)
    move.action_post()
    return move


def pay(env, moves, amount, day):
    wizard = env["account.payment.register"].with_context(
        active_model="account.move", active_ids=moves.ids).create(
        {"amount": amount, "payment_date": day})
    action = wizard.action_create_payments()
    return env["account.payment"].browse(action["res_id"])


def by_code(lines):
    return {line["code"]: line for line in lines}


def query_count(env, call):
    env.invalidate_all()
    with env.cr.capture() as log:
        call()
    return len(log)


# -- trial balance ---------------------------------------------------------------------------
def test_trial_balance_balances_and_splits_initial_from_period(cenv, alice, vendor):
    posted(cenv, alice, 1000.0, date(2030, 11, 5))  # last year
    posted(cenv, alice, 200.0, date(2031, 3, 1), taxes=tax(cenv))  # 200 + 30 tax
    posted(cenv, vendor, 80.0, date(2031, 4, 1), move_type="in_invoice")
    make_invoice(cenv, alice, [(999.0, 1, cenv["account.tax"])], date=date(2031, 3, 2),
                 invoice_date=date(2031, 3, 2))  # draft: never counted
    posted(cenv, alice, 50.0, date(2032, 1, 2))  # after the period

    report = cenv[TB].get_lines("2031-01-01", "2031-12-31")
    lines = by_code(report["lines"])
    assert report["totals"]["debit"] == report["totals"]["credit"] == 310.0
    assert report["totals"]["initial_balance"] == 0.0
    assert report["totals"]["ending_balance"] == 0.0
    receivable = lines["1100"]
    assert (receivable["initial_balance"], receivable["debit"], receivable["credit"],
            receivable["ending_balance"]) == (1000.0, 230.0, 0.0, 1230.0)
    # last year's sale is no longer income: it went to the undistributed earnings
    assert lines["4000"]["initial_balance"] == 0.0
    assert lines["4000"]["credit"] == 200.0 and lines["4000"]["ending_balance"] == -200.0
    assert lines["3900"]["initial_balance"] == -1000.0
    assert lines["2200"]["ending_balance"] == -30.0
    assert lines["2100"]["credit"] == 80.0 and lines["6000"]["debit"] == 80.0
    assert [line["code"] for line in report["lines"]] == sorted(lines)


def test_trial_balance_mid_year_keeps_the_year_to_date_income(cenv, alice):
    posted(cenv, alice, 300.0, date(2031, 2, 1))
    posted(cenv, alice, 100.0, date(2031, 6, 1))
    lines = by_code(cenv[TB].get_lines(date(2031, 5, 1), date(2031, 6, 30))["lines"])
    assert lines["4000"]["initial_balance"] == -300.0
    assert lines["4000"]["ending_balance"] == -400.0
    assert "3900" not in lines


def test_trial_balance_refuses_bad_periods(cenv):
    with pytest.raises(exceptions.ValidationError, match="date_from 2031-02-01 is after"):
        cenv[TB].get_lines("2031-02-01", "2031-01-01")
    with pytest.raises(exceptions.ValidationError, match="date_to must be a date"):
        cenv[TB].get_lines("2031-01-01", "31/12/2031")


# -- general ledger --------------------------------------------------------------------------
def test_general_ledger_running_balance_per_account(cenv, alice, bob):
    posted(cenv, alice, 500.0, date(2030, 12, 1))
    first = posted(cenv, alice, 100.0, date(2031, 1, 10))
    posted(cenv, bob, 40.0, date(2031, 1, 20))
    pay(cenv, first, 100.0, date(2031, 2, 1))

    receivable = account(cenv, "1100")
    report = cenv[GL].get_lines("2031-01-01", "2031-12-31", account_ids=receivable.ids)
    [entry] = report["accounts"]
    assert entry["code"] == "1100" and entry["initial_balance"] == 500.0
    assert [(line["date"], line["partner_name"], line["debit"], line["credit"], line["balance"])
            for line in entry["lines"]] == [
        (date(2031, 1, 10), "Alice Retail", 100.0, 0.0, 600.0),
        (date(2031, 1, 20), "Bob Builders", 40.0, 0.0, 640.0),
        (date(2031, 2, 1), "Alice Retail", 0.0, 100.0, 540.0)]
    assert entry["lines"][0]["move_name"] == first.name
    assert (entry["debit"], entry["credit"], entry["ending_balance"]) == (140.0, 100.0, 540.0)


def test_general_ledger_of_every_account_agrees_with_the_trial_balance(cenv, alice, vendor):
    posted(cenv, alice, 700.0, date(2030, 6, 1))
    invoice = posted(cenv, alice, 200.0, date(2031, 3, 1), taxes=tax(cenv))
    posted(cenv, vendor, 80.0, date(2031, 4, 1), move_type="in_invoice")
    pay(cenv, invoice, 230.0, date(2031, 5, 1))
    ledger = cenv[GL].get_lines("2031-01-01", "2031-12-31")
    trial = by_code(cenv[TB].get_lines("2031-01-01", "2031-12-31")["lines"])
    assert {entry["code"] for entry in ledger["accounts"]} == set(trial)
    for entry in ledger["accounts"]:
        expected = trial[entry["code"]]
        assert (entry["initial_balance"], entry["debit"], entry["credit"],
                entry["ending_balance"]) == (expected["initial_balance"], expected["debit"],
                                             expected["credit"], expected["ending_balance"])
        if entry["lines"]:
            assert entry["lines"][-1]["balance"] == entry["ending_balance"]
    assert ledger["totals"]["debit"] == ledger["totals"]["credit"]
    assert ledger["totals"]["initial_balance"] == 0.0


def test_general_ledger_refuses_bad_account_ids(cenv):
    with pytest.raises(exceptions.ValidationError, match="account_ids must be a list"):
        cenv[GL].get_lines("2031-01-01", "2031-12-31", account_ids="1100")


# -- aged balances ---------------------------------------------------------------------------
def test_aged_receivable_buckets_by_days_past_due(cenv, alice, bob):
    on = date(2031, 6, 30)
    thirty_days = cenv["account.payment.term"].create(
        {"name": "30 Days", "line_ids": [(0, 0, {"value_amount": 100.0, "nb_days": 30})]})
    posted(cenv, alice, 10.0, date(2031, 6, 20), invoice_payment_term_id=thirty_days.id)
    posted(cenv, alice, 20.0, date(2031, 6, 30))  # due today: not due yet
    posted(cenv, alice, 30.0, date(2031, 6, 29))  # 1 day
    posted(cenv, alice, 40.0, date(2031, 5, 31))  # 30 days
    posted(cenv, bob, 50.0, date(2031, 5, 30))  # 31 days
    posted(cenv, bob, 60.0, date(2031, 4, 1))  # 90 days
    posted(cenv, bob, 70.0, date(2031, 3, 1))  # 121 days
    posted(cenv, bob, 80.0, date(2031, 7, 1))  # after date_at: ignored
    report = cenv[AGED].get_lines("asset_receivable", on)
    lines = {line["partner_name"]: line for line in report["lines"]}
    assert list(lines) == ["Alice Retail", "Bob Builders"]
    assert {k: v for k, v in lines["Alice Retail"].items() if k not in
            ("partner_id", "partner_name")} == {
        "not_due": 30.0, "period_1": 70.0, "period_2": 0.0, "period_3": 0.0,
        "period_4": 0.0, "older": 0.0, "total": 100.0}
    assert lines["Bob Builders"]["period_2"] == 50.0
    assert lines["Bob Builders"]["period_3"] == 60.0
    assert lines["Bob Builders"]["older"] == 70.0
    assert lines["Bob Builders"]["total"] == 180.0
    assert report["totals"]["total"] == 280.0
    assert [bucket["key"] for bucket in report["buckets"]] == [
        "not_due", "period_1", "period_2", "period_3", "period_4", "older"]


def test_aged_receivable_counts_payments_made_by_that_date(cenv, alice):
    invoice = posted(cenv, alice, 100.0, date(2031, 1, 1))
    pay(cenv, invoice, 40.0, date(2031, 2, 1))
    pay(cenv, invoice, 60.0, date(2031, 3, 1))

    def total(day):
        return cenv[AGED].get_lines("asset_receivable", day)["totals"]["total"]
    assert total(date(2031, 1, 15)) == 100.0
    assert total(date(2031, 2, 15)) == 60.0
    assert total(date(2031, 3, 15)) == 0.0
    assert cenv[AGED].get_lines("asset_receivable", date(2031, 3, 15))["lines"] == []


def test_aged_payable_shows_what_is_owed_as_positive(cenv, vendor):
    posted(cenv, vendor, 80.0, date(2031, 1, 1), move_type="in_invoice")
    report = cenv[AGED].get_lines(account_type="liability_payable", date_at="2031-03-15")
    [line] = report["lines"]
    assert line["partner_name"] == "Vera Supplies"
    assert line["period_3"] == 80.0 and line["total"] == 80.0
    with pytest.raises(exceptions.ValidationError, match="account_type must be one of"):
        cenv[AGED].get_lines("income", "2031-03-15")


# -- profit and loss, balance sheet ------------------------------------------------------------
def test_profit_and_loss_net_is_income_minus_expense(cenv, alice, vendor):
    posted(cenv, alice, 200.0, date(2031, 3, 1), taxes=tax(cenv))
    posted(cenv, alice, 50.0, date(2031, 3, 5), move_type="out_refund")
    posted(cenv, vendor, 80.0, date(2031, 4, 1), move_type="in_invoice")
    posted(cenv, alice, 999.0, date(2030, 12, 31))  # before the period
    report = cenv[PL].get_lines("2031-01-01", "2031-12-31")
    assert report["income"]["total"] == 150.0
    assert report["income"]["subtotals"] == {"income": 150.0, "income_other": 0.0}
    assert [(line["code"], line["amount"]) for line in report["income"]["lines"]] == [
        ("4000", 150.0)]
    assert report["expense"]["total"] == 80.0
    assert report["expense"]["subtotals"]["expense"] == 80.0
    assert report["net_profit"] == 70.0 == report["income"]["total"] - report["expense"]["total"]


def test_balance_sheet_assets_equal_liabilities_plus_equity(cenv, alice, vendor):
    posted(cenv, alice, 1000.0, date(2030, 5, 1))
    invoice = posted(cenv, alice, 200.0, date(2031, 3, 1), taxes=tax(cenv))
    posted(cenv, vendor, 80.0, date(2031, 4, 1), move_type="in_invoice")
    pay(cenv, invoice, 230.0, date(2031, 5, 1))
    for day in (date(2030, 12, 31), date(2031, 3, 31), date(2031, 12, 31)):
        report = cenv[BS].get_lines(day)
        assert report["asset"]["total"] == report["total_liabilities_and_equity"]
        assert report["total_liabilities_and_equity"] == round(
            report["liability"]["total"] + report["equity"]["total"], 2)
    report = cenv[BS].get_lines("2031-12-31")
    equity = {line["name"]: line["amount"] for line in report["equity"]["lines"]}
    net = cenv[PL].get_lines("2031-01-01", "2031-12-31")["net_profit"]
    assert equity["Current Year Unallocated Earnings"] == net == 120.0
    assert equity["Previous Years Unallocated Earnings"] == 1000.0
    assets = by_code(report["asset"]["lines"])
    assert assets["1100"]["amount"] == 1000.0 and assets["1200"]["amount"] == 230.0
    liabilities = by_code(report["liability"]["lines"])
    assert liabilities["2100"]["amount"] == 80.0 and liabilities["2200"]["amount"] == 30.0
    assert report["asset"]["total"] == 1230.0


# -- companies, access, RPC ------------------------------------------------------------------
def test_reports_only_read_the_company_asked_for(env, cenv, alice):
    posted(cenv, alice, 100.0, date(2031, 3, 1))
    other = env(context={**env.context, "allowed_company_ids": [env.company.id]})
    own = other[TB].get_lines("2031-01-01", "2031-12-31")
    assert own["company_id"] == env.company.id and own["lines"] == []
    asked = other[TB].get_lines("2031-01-01", "2031-12-31", company_id=cenv.company.id)
    assert asked["totals"]["debit"] == 100.0


def test_users_need_accounting_access_and_the_company(env, cenv, alice):
    posted(cenv, alice, 100.0, date(2031, 3, 1))
    plain = env["res.users"].create({"name": "Plain", "login": "plain-reports",
                                     "groups_id": [(6, 0, [env.ref("base.group_user").id])]})
    with pytest.raises(exceptions.AccessError):
        env(user=plain.id)[TB].get_lines("2031-01-01", "2031-12-31")
    billing = env["res.users"].create({
        "name": "Billing", "login": "billing-reports",
        "groups_id": [(6, 0, [env.ref("account.group_account_invoice").id])]})
    as_billing = env(user=billing.id)
    assert as_billing[PL].get_lines("2031-01-01", "2031-12-31")["net_profit"] == 0.0
    with pytest.raises(exceptions.AccessError):
        as_billing[PL].get_lines("2031-01-01", "2031-12-31", company_id=cenv.company.id)


def test_reports_are_callable_remotely(cenv, alice):
    from agora.rpc.dispatch import call_kw
    posted(cenv, alice, 100.0, date(2031, 3, 1))
    result = call_kw(cenv, TB, "get_lines", ["2031-01-01", "2031-12-31"],
                     {"company_id": cenv.company.id})
    assert result["totals"]["debit"] == 100.0
    aged = call_kw(cenv, AGED, "get_lines", [],
                   {"account_type": "asset_receivable", "date_at": "2031-04-01"})
    assert aged["totals"]["period_2"] == 100.0
    assert getattr(type(cenv[TB]).get_lines, "_readonly", False)


# -- query counts ----------------------------------------------------------------------------
def _books(env, partners, accounts):
    """An invoice per partner, each line on its own income account."""
    income = [env["account.account"].create({"code": f"47{i:02d}", "name": f"Sales {i}",
                                             "account_type": "income"})
              for i in range(accounts)]
    for index in range(partners):
        partner = env["res.partner"].create({"name": f"Customer {index:03d}"})
        day = date(2031, 2, 1) if index % 2 else date(2030, 8, 1)
        move = env["account.move"].create({
            "move_type": "out_invoice", "partner_id": partner.id, "date": day,
            "invoice_date": day,
            "invoice_line_ids": [(0, 0, {"name": f"line {i}", "price_unit": 10.0 + i,
                                         "account_id": account.id, "tax_ids": []})
                                 for i, account in enumerate(income)]})
        move.action_post()


REPORT_CALLS = {
    "trial balance": lambda env: env[TB].get_lines("2031-01-01", "2031-12-31"),
    "general ledger": lambda env: env[GL].get_lines("2031-01-01", "2031-12-31"),
    "aged receivable": lambda env: env[AGED].get_lines("asset_receivable", "2031-06-30"),
    "profit and loss": lambda env: env[PL].get_lines("2031-01-01", "2031-12-31"),
    "balance sheet": lambda env: env[BS].get_lines("2031-12-31"),
}


def test_query_counts_do_not_grow_with_accounts_or_partners(env):
    def company_env(name):
        company = env["res.company"].create({"name": name,
                                             "currency_id": env.company.currency_id.id})
        return env(context={**env.context, "allowed_company_ids": [company.id]})
    small, large = company_env("Small Books"), company_env("Large Books")
    _books(small, partners=2, accounts=1)
    _books(large, partners=25, accounts=12)
    counts = {}
    for name, call in REPORT_CALLS.items():
        counts[name] = (query_count(small, lambda call=call: call(small)),
                        query_count(large, lambda call=call: call(large)))
    assert all(few == many for few, many in counts.values()), counts
    assert all(many <= 5 for _few, many in counts.values()), counts
    # and the figures are those of the books
    assert large[PL].get_lines("2031-01-01", "2031-12-31")["income"]["total"] == \
        12 * sum(10.0 + i for i in range(12))
    with assert_queries(large.cr, 5):
        large.invalidate_all()
        large[AGED].get_lines("asset_receivable", "2031-06-30")


def test_unknown_company_is_refused(cenv):
    with pytest.raises(exceptions.MissingError, match="company 987654 does not exist"):
        cenv[BS].get_lines("2031-12-31", company_id=987654)
    with pytest.raises(exceptions.ValidationError, match="company_id must be a company id"):
        cenv[BS].get_lines("2031-12-31", company_id="main")


# -- menus and views -------------------------------------------------------------------------
def test_reporting_menu_opens_views_that_group_posted_items(cenv, alice, vendor):
    posted(cenv, alice, 200.0, date(2031, 3, 1), taxes=tax(cenv))
    posted(cenv, vendor, 80.0, date(2031, 4, 1), move_type="in_invoice")
    invoice = posted(cenv, alice, 60.0, date(2031, 4, 2))
    pay(cenv, invoice, 60.0, date(2031, 4, 3))
    menu = cenv.ref("account.menu_finance_reports")
    assert menu.parent_id == cenv.ref("account.menu_finance")
    assert {child.action._name for child in menu.child_id} == {"ir.actions.act_window"}
    lines = cenv["account.move.line"].with_context(allowed_company_ids=cenv.company.ids)

    analysis = cenv.ref("account.action_account_report_journal_items")
    views = lines.get_views([[False, "pivot"], [False, "graph"], [False, "list"],
                             [analysis.search_view_id.id, "search"]])["views"]
    assert "account_id" in views["pivot"]["arch"] and 'name="group_account"' in \
        views["search"]["arch"]
    groups = lines.read_group(eval(analysis.domain), ["debit:sum", "credit:sum"], ["account_id"])
    assert sum(g["debit"] for g in groups) == sum(g["credit"] for g in groups) == 430.0
    trial = cenv[TB].get_lines("2031-01-01", "2031-12-31")["totals"]
    assert trial["debit"] == 430.0

    aged = cenv.ref("account.action_account_report_aged_receivable")
    assert "search_default_group_partner" in aged.context
    open_items = lines.read_group(eval(aged.domain), ["amount_residual:sum"], ["partner_id"])
    assert [(g["partner_id"][1], g["amount_residual"]) for g in open_items] == [
        ("Alice Retail", 230.0)]
    payable = cenv.ref("account.action_account_report_aged_payable")
    assert lines.search_count(eval(payable.domain)) == 1
