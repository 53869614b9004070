"""LDAP logins (optional module): users log in with the password of their entry in one
or more LDAP directories (``res.company.ldap``); a first login can create the user from
a template user. See ``models/res_users.py`` for the login rules and
``ldap_directory.py`` for the protocol side."""

from agora.addons.auth_ldap import models  # noqa: F401
from agora.addons.auth_ldap.models import res_company, res_company_ldap, res_users  # noqa: F401
