def test_create_read_search(env):
    partners = env["test.partner"]
    p = partners.create({"name": "Acme", "age": 3})
    assert p.name == "Acme"
    assert partners.search([("name", "=", "Acme")]) == p
    assert p.read(["name", "age"])[0] == {"id": p.id, "name": "Acme", "age": 3}
