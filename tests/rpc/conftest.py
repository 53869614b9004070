from tests.orm.conftest import cr, env, registry  # noqa: F401  (shared fixtures)
