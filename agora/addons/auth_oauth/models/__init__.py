from agora.addons.auth_oauth.models import auth_oauth_provider, res_users  # noqa: F401
