"""Templates and their single variant, _inherits writes, names and name_search."""

from __future__ import annotations

import pytest

from agora.orm.exceptions import ConstraintError, ValidationError


def test_template_creates_one_variant_with_defaults(env):
    template = env["product.template"].create({"name": "Stapler", "default_code": "STP-1",
                                               "barcode": "5400000000017"})
    assert len(template.product_variant_ids) == 1
    variant = template.product_variant_id
    assert variant == template.product_variant_ids and template.product_variant_count == 1
    assert variant.default_code == "STP-1" and variant.barcode == "5400000000017"
    assert template.default_code == "STP-1" and template.barcode == "5400000000017"
    assert template.type == "consu" and template.list_price == 1.0
    assert template.sale_ok and template.purchase_ok and template.active
    assert template.categ_id == env.ref("product.product_category_all")
    assert template.uom_id == env.ref("uom.product_uom_unit")
    assert template.currency_id == env.company.currency_id


def test_template_values_survive_its_variant_creation(env):
    # the variant is created after its template: no default may overwrite what was given
    dozen = env.ref("uom.product_uom_dozen")
    services = env["product.category"].create({"name": "Consulting"})
    template = env["product.template"].create({
        "name": "Audit", "list_price": 249.9, "standard_price": 120.0, "type": "service",
        "sale_ok": False, "purchase_ok": False, "categ_id": services.id, "uom_id": dozen.id,
        "uom_po_id": dozen.id, "description_sale": "Two days on site"})
    env.invalidate_all()
    assert (template.list_price, template.standard_price, template.type, template.sale_ok,
            template.purchase_ok, template.categ_id, template.uom_id,
            template.description_sale) == (249.9, 120.0, "service", False, False, services,
                                           dozen, "Two days on site")
    assert template.product_variant_id.lst_price == 249.9


def test_variant_creates_its_template(env):
    templates_before = env["product.template"].search_count([])
    product = env["product.product"].create({"name": "Hole Punch", "default_code": "HP-2",
                                             "list_price": 12.5, "type": "consu"})
    assert env["product.template"].search_count([]) == templates_before + 1
    template = product.product_tmpl_id
    assert template.name == "Hole Punch" and template.list_price == 12.5
    assert template.product_variant_ids == product  # no second variant
    assert product.lst_price == 12.5
    assert template.default_code == "HP-2"


def test_inherited_field_writes_go_to_template(env):
    product = env["product.product"].create({"name": "Tape", "list_price": 3.0})
    product.write({"name": "Adhesive Tape", "list_price": 3.5, "standard_price": 1.25,
                   "type": "service", "uom_id": env.ref("uom.product_uom_dozen").id})
    template = product.product_tmpl_id
    assert (template.name, template.list_price, template.standard_price, template.type) == \
        ("Adhesive Tape", 3.5, 1.25, "service")
    assert template.uom_id == env.ref("uom.product_uom_dozen")
    product.lst_price = 4.0  # Odoo's lst_price writes the sales price
    assert template.list_price == 4.0
    template.write({"default_code": "TAPE"})
    assert product.default_code == "TAPE"
    assert product.display_name == "[TAPE] Adhesive Tape"


def test_display_name_with_and_without_code(env):
    product = env["product.product"].create({"name": "Ruler"})
    assert product.display_name == "Ruler"
    product.default_code = "RUL"
    assert product.display_name == "[RUL] Ruler"
    product.product_tmpl_id.name = "Steel Ruler"
    assert product.display_name == "[RUL] Steel Ruler"


def test_name_search_by_code_and_name(env):
    products = env["product.product"].create([
        {"name": "Blue Folder", "default_code": "FOLD-B"},
        {"name": "Red Folder", "default_code": "FOLD-R"},
        {"name": "Folding Table", "default_code": "TAB-9"},
        {"name": "Pen", "default_code": "FOLD"},
    ])
    result = env["product.product"].name_search("FOLD")
    ids = [product_id for product_id, _name in result]
    # the exact reference comes first, then code or name matches
    assert ids[0] == products[3].id
    assert set(ids) >= set(products.ids)
    assert dict(result)[products[0].id] == "[FOLD-B] Blue Folder"
    assert [n for _i, n in env["product.product"].name_search("TAB-9")] == ["[TAB-9] Folding Table"]
    # what the display name shows can be typed back
    assert env["product.product"].name_search("[FOLD-R] Red Folder")[0][0] == products[1].id
    limited = env["product.product"].name_search("FOLD", limit=2)
    assert len(limited) == 2 and limited[0][0] == products[3].id
    within = env["product.product"].name_search("Folder", domain=[("default_code", "=", "FOLD-R")])
    assert [i for i, _n in within] == [products[1].id]


def test_barcode_unique_where_set(env):
    env["product.product"].create([{"name": "No barcode A"}, {"name": "No barcode B"}])
    env["product.product"].create({"name": "Scanned", "barcode": "123456"})
    with pytest.raises(ConstraintError, match="barcode"):
        env["product.product"].create({"name": "Scanned twice", "barcode": "123456"})
        env.flush_all()


def test_archiving_template_archives_variant(env):
    template = env["product.template"].create({"name": "Old model"})
    variant = template.product_variant_id
    template.active = False
    assert not variant.active
    assert not env["product.product"].search([("id", "=", variant.id)])
    template.active = True
    assert variant.active


def test_unlink_variant_removes_its_template(env):
    product = env["product.product"].create({"name": "Temporary"})
    template = product.product_tmpl_id
    product.unlink()
    assert not template.exists()


def test_category_complete_name_and_child_of(env):
    all_categ = env.ref("product.product_category_all")
    saleable = env["product.category"].create({"name": "Goods", "parent_id": all_categ.id})
    chairs = env["product.category"].create({"name": "Chairs", "parent_id": saleable.id})
    assert chairs.complete_name == "All / Goods / Chairs"
    assert chairs.display_name == "All / Goods / Chairs"
    saleable.name = "Furniture"
    assert chairs.complete_name == "All / Furniture / Chairs"
    product = env["product.product"].create({"name": "Stool", "categ_id": chairs.id})
    found = env["product.product"].search([("categ_id", "child_of", saleable.id)])
    assert product in found


def test_demo_data(env):
    products = env["product.product"].search([])
    assert len(products) >= 20
    assert env.ref("product.product_product_11").uom_id == env.ref("uom.product_uom_dozen")
    assert env.ref("product.product_product_13").uom_id == env.ref("uom.product_uom_kgm")
    services = products.filtered(lambda p: p.type == "service")
    assert services and all(p.categ_id.name == "Services" for p in services)
    assert env.ref("product.product_category_office").complete_name == \
        "All / Saleable / Office Furniture"
    assert env.ref("product.list0").name == "Public Pricelist"


def test_copy_keeps_one_variant_per_template(env):
    template = env["product.template"].create({"name": "Mug", "list_price": 5.0,
                                               "default_code": "MUG", "barcode": "777"})
    template_copy = template.copy()
    assert template_copy.name == "Mug (copy)" and template_copy.list_price == 5.0
    assert template_copy.product_variant_count == 1
    assert not template_copy.barcode  # barcodes are unique: never copied
    product = template.product_variant_id
    product_copy = product.copy({"default_code": "MUG-2"})
    assert product_copy.product_tmpl_id not in (template, template_copy)
    assert product_copy.product_tmpl_id.product_variant_ids == product_copy
    assert product_copy.display_name == "[MUG-2] Mug (copy)"


def test_template_name_search_by_code(env):
    template = env["product.template"].create({"name": "Teapot", "default_code": "TEA-77"})
    assert env["product.template"].name_search("TEA-77") == [(template.id, "[TEA-77] Teapot")]
    assert template.id in [i for i, _n in env["product.template"].name_search("teap")]
    assert not env["product.template"].name_search("TEA-77", domain=[("sale_ok", "=", False)])


def _queries(env, work) -> int:
    env.flush_all()
    with env.cr.capture() as log:
        work()
        env.flush_all()
    return len(log)


@pytest.mark.parametrize("model", ["product.template", "product.product"])
def test_batch_creation_queries_do_not_grow_with_the_batch(env, model):
    def create(count, tag):
        return lambda: env[model].create([{"name": f"{tag} {i}", "default_code": f"{tag}-{i}"}
                                          for i in range(count)])
    create(1, "WARM")()  # units and categories loaded once, as in any busy transaction
    few, many = _queries(env, create(3, "FEW")), _queries(env, create(60, "MANY"))
    assert many == few and many <= 20, (few, many)
    print(f"{model}.create: {many} queries for 3 or 60 records")


def test_name_search_and_display_names_in_constant_queries(env):
    products = env["product.product"].search([])
    env.invalidate_all()
    assert _queries(env, lambda: products.mapped("display_name")) <= 2
    env.invalidate_all()
    assert _queries(env, lambda: env["product.product"].name_search("FURN")) <= 4


def test_purchase_unit_follows_the_unit_and_stays_in_its_category(env):
    kg, gram = env.ref("uom.product_uom_kgm"), env.ref("uom.product_uom_gram")
    template = env["product.template"].create({"name": "Flour", "uom_id": kg.id})
    assert template.uom_po_id == kg
    template.uom_po_id = gram
    with pytest.raises(ValidationError, match="'Flour'.*'Units'.*'kg'"), env.cr.savepoint():
        template.write({"uom_po_id": env.ref("uom.product_uom_unit").id})


def test_form_onchange_of_unit_sets_purchase_unit(env):
    kg, unit = env.ref("uom.product_uom_kgm"), env.ref("uom.product_uom_unit")
    result = env["product.template"].onchange(
        {"name": "Sugar", "uom_id": kg.id, "uom_po_id": unit.id}, ["uom_id"],
        {"name": {}, "uom_id": {}, "uom_po_id": {"fields": {"display_name": {}}}})
    assert result["value"]["uom_po_id"]["id"] == kg.id
