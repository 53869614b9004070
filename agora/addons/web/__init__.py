"""The web client: a single-page app of plain ES modules (``static/src``), its page
(``/web``) and login form (``/web/login``). Controllers are loaded by the server."""
