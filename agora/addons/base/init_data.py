"""Records every database needs, created when base is installed: the superuser, the
administrator, the main company and its currency, the core groups.

They get external ids (``base.user_admin`` ...) so other modules and clients can refer
to them."""

from __future__ import annotations

from datetime import date

from babel import Locale
from babel.numbers import get_currency_precision, get_currency_symbol, get_territory_currencies

from agora.orm.environment import Environment

GROUPS = [
    ("group_user", "Internal User", []),
    ("group_portal", "Portal", []),
    ("group_public", "Public", []),
    ("group_erp_manager", "Access Rights", ["group_user"]),
    ("group_system", "Settings", ["group_erp_manager"]),
]
ACTIVE_CURRENCIES = ("EUR", "USD")
#: CLDR territory codes that are not countries
_NOT_COUNTRIES = {"ZZ", "EU", "EZ", "UN", "QO", "XA", "XB", "XK"}


def load_countries_and_currencies(env: Environment) -> dict[str, object]:
    """Every ISO country and the currencies in use today, from CLDR data (Babel), created
    in two batches each; EUR and USD active. Returns the currencies by code."""
    locale = Locale("en")
    countries = {code: name for code, name in locale.territories.items()
                 if len(code) == 2 and code.isalpha() and code not in _NOT_COUNTRIES}
    country_currency = {}
    for code in countries:
        in_use = get_territory_currencies(code, date.today())
        if in_use:
            country_currency[code] = in_use[0]
    codes = sorted(set(country_currency.values()) | set(ACTIVE_CURRENCIES))
    currency_vals = []
    for code in codes:
        precision = get_currency_precision(code)
        currency_vals.append({
            "name": code, "symbol": get_currency_symbol(code, "en_US"),
            "rounding": 10 ** -precision, "active": code in ACTIVE_CURRENCIES,
            "position": "before" if code == "USD" else "after"})
    currencies = env["res.currency"].create(currency_vals)
    by_code = dict(zip(codes, currencies, strict=True))
    records = env["res.country"].create([
        {"name": name, "code": code,
         "currency_id": by_code[country_currency[code]].id if code in country_currency else False}
        for code, name in sorted(countries.items())])
    env["ir.model.data"].create(
        [{"module": "base", "name": code, "model": "res.currency", "res_id": record.id,
          "noupdate": True} for code, record in by_code.items()]
        + [{"module": "base", "name": code.lower(), "model": "res.country",
            "res_id": record.id, "noupdate": True}
           for code, record in zip(sorted(countries), records, strict=True)])
    return by_code


def pre_init_hook(env: Environment) -> None:
    """Runs before the data files of base load, so they can refer to these records."""
    data = env["ir.model.data"]

    def load(xmlid: str, model: str, values: dict) -> object:
        return data._load_record(xmlid, model, values, module="base", noupdate=True)

    currencies = load_countries_and_currencies(env)
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
    # Who anonymous visitors of public routes are: inactive, so nobody can log in as it.
    public = load("base.public_user", "res.users", {
        "name": "Public user", "login": "public", "active": False,
        "company_id": company.id, "company_ids": [(6, 0, [company.id])],
        "groups_id": [(6, 0, [groups["group_public"].id])]})
    data._register_xmlid("base.public_partner", public.partner_id, module="base",
                         noupdate=True)
