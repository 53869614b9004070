"""Demo records, generated deterministically."""

from __future__ import annotations

import random
from datetime import date, timedelta

from agora.orm.environment import Environment

COMPANIES = ["Azure Interior", "Deco Addict", "Gemini Furniture", "Lumber Inc",
             "Ready Mat", "The Jackson Group", "Wood Corner", "YourCompany"]
PEOPLE = ["Alice", "Bob", "Chloe", "David", "Emma", "Farid", "Grace", "Hugo", "Ines", "Jon"]
PRODUCTS = [("Office Chair", 120.0, "goods"), ("Desk", 350.0, "goods"),
            ("Lamp", 45.5, "goods"), ("Cabinet", 210.0, "goods"),
            ("Installation", 80.0, "service"), ("Support (1h)", 60.0, "service")]


def load_demo_data(env: Environment, orders: int = 200) -> dict[str, int]:
    """Create companies, contacts, products and orders with lines; return counts."""
    rng = random.Random(42)
    contacts = env["demo.contact"]
    companies = contacts.create([
        {"name": name, "is_company": True,
         "email": f"info@{name.lower().replace(' ', '')}.example"} for name in COMPANIES])
    people = contacts.create([
        {"name": f"{person} ({company.name})", "parent_id": company.id,
         "email": f"{person.lower()}@{company.name.lower().replace(' ', '')}.example"}
        for company in companies for person in rng.sample(PEOPLE, 3)])
    products = env["demo.product"].create([
        {"name": name, "list_price": price, "kind": kind} for name, price, kind in PRODUCTS])
    start = date.today() - timedelta(days=365)
    order_vals = []
    for number in range(orders):
        lines = []
        for product in rng.sample(list(products), rng.randint(1, 4)):
            lines.append((0, 0, {"product_id": product.id, "quantity": rng.randint(1, 10),
                                 "price_unit": product.list_price}))
        order_vals.append({
            "name": f"S{number + 1:05d}", "contact_id": rng.choice(people.ids),
            "date": start + timedelta(days=rng.randint(0, 365)),
            "state": rng.choice(["draft", "sale"]), "line_ids": lines})
    env["demo.order"].create(order_vals)
    env.flush_all()
    return {"demo.contact": len(companies) + len(people), "demo.product": len(products),
            "demo.order": orders}
