"""Records every database needs, created when base is installed: the superuser, the
administrator, the main company and its currency, the core groups.

They get external ids (``base.user_admin`` ...) so other modules and clients can refer
to them."""

from __future__ import annotations

from agora.orm.environment import Environment

GROUPS = [
    ("group_user", "Internal User", []),
    ("group_portal", "Portal", []),
    ("group_public", "Public", []),
    ("group_erp_manager", "Access Rights", ["group_user"]),
    ("group_system", "Settings", ["group_erp_manager"]),
]
CURRENCIES = [("EUR", "€", "after"), ("USD", "$", "before")]


def post_init_hook(env: Environment) -> None:
    data = env["ir.model.data"]

    def load(xmlid: str, model: str, values: dict) -> object:
        return data._load_record(xmlid, model, values, module="base", noupdate=True)

    currencies = {code: load(f"base.{code}", "res.currency",
                             {"name": code, "symbol": symbol, "position": position})
                  for code, symbol, position in CURRENCIES}
    load("base.lang_en", "res.lang", {"name": "English (US)", "code": "en_US",
                                      "iso_code": "en", "active": True})
    company = load("base.main_company", "res.company",
                   {"name": "My Company", "currency_id": currencies["EUR"].id})
    data._register_xmlid("base.main_partner", company.partner_id, module="base", noupdate=True)
    groups = {}
    for name, label, implied in GROUPS:
        groups[name] = load(f"base.{name}", "res.groups", {
            "name": label, "share": name in ("group_portal", "group_public"),
            "implied_ids": [(6, 0, [groups[i].id for i in implied])]})
    # The superuser must be the first user (id 1): the ORM bypasses checks for it.
    root = load("base.user_root", "res.users", {
        "name": "System", "login": "__system__", "active": False,
        "company_id": company.id, "company_ids": [(6, 0, [company.id])],
        "groups_id": [(6, 0, [groups["group_system"].id])]})
    if root.id != 1:
        raise RuntimeError(f"the superuser got id {root.id}, expected 1: res_users not empty")
    data._register_xmlid("base.partner_root", root.partner_id, module="base", noupdate=True)
    admin = load("base.user_admin", "res.users", {
        "name": "Administrator", "login": "admin", "password": "admin",
        "company_id": company.id, "company_ids": [(6, 0, [company.id])],
        "groups_id": [(6, 0, [groups["group_system"].id])]})
    data._register_xmlid("base.partner_admin", admin.partner_id, module="base", noupdate=True)
