"""Demo data: vendor bills (posted, paid, draft) on top of the chart."""

from agora.testing.addons import installed_database, rolled_back_env


def test_demo_database_has_vendor_bills(agora_server_url):
    with installed_database(agora_server_url, ["account"], demo=True,
                            prefix="agora_account_demo") as conninfo:
        with rolled_back_env(conninfo) as env:
            bills = env["account.move"].search([("move_type", "=", "in_invoice")])
            states = sorted((bill.state, bill.payment_state) for bill in bills)
            assert states == [("draft", "not_paid"), ("posted", "not_paid"),
                              ("posted", "paid")]
            assert all(bill.name.startswith("BILL/") for bill in bills
                       if bill.state == "posted")
