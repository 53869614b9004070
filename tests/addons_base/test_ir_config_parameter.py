import pytest

from agora.orm.exceptions import ValidationError


def test_get_set_delete(env):
    params = env["ir.config_parameter"]
    assert params.get_param("web.base.url") is False
    assert params.get_param("web.base.url", "http://x") == "http://x"
    assert params.set_param("web.base.url", "http://a") is False
    assert params.get_param("web.base.url") == "http://a"
    assert params.set_param("web.base.url", "http://b") == "http://a"
    assert params.get_param("web.base.url") == "http://b"
    assert params.search_count([("key", "=", "web.base.url")]) == 1
    params.set_param("number", 42)
    assert params.get_param("number") == "42"
    assert params.set_param("web.base.url", False) == "http://b"
    assert params.get_param("web.base.url") is False
    params.set_param("number", None)
    assert params.search_count([("key", "in", ["web.base.url", "number"])]) == 0


def test_key_unique(env):
    env["ir.config_parameter"].create({"key": "k", "value": "1"})
    with pytest.raises(ValidationError):
        env["ir.config_parameter"].create({"key": "k", "value": "2"})
        env.flush_all()
