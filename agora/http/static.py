"""Static files of addons: ``/<addon>/static/<path>`` serves ``<addon dir>/static/<path>``
(every addon found, installed or not, like Odoo: the files are code, not data).

The web client is plain ES modules loaded file by file, so answers carry an ETag and are
revalidated (a 304 costs no body); paths that leave the static folder are refused by
``safe_join``.
"""

from __future__ import annotations

import mimetypes
from functools import lru_cache
from pathlib import Path

from werkzeug.exceptions import NotFound
from werkzeug.security import safe_join
from werkzeug.utils import send_file
from werkzeug.wrappers import Request, Response

from agora.http.routing import Controller, route

# Browsers refuse to run a module served with another type; some systems map .js oddly.
mimetypes.add_type("text/javascript", ".js")
mimetypes.add_type("text/javascript", ".mjs")
mimetypes.add_type("image/svg+xml", ".svg")


@lru_cache(maxsize=512)  # a page load asks for dozens of files: read manifests once
def static_directory(addon: str) -> Path | None:
    """``<addon>/static`` of an addon found on the addons paths, or None."""
    from agora.modules.paths import discover

    manifest = discover().get(addon)
    if manifest is None:
        return None
    directory = Path(manifest.path) / "static"
    return directory if directory.is_dir() else None


class StaticFiles(Controller):
    @route("/<string:addon>/static/<path:path>", methods=["GET", "HEAD"], auth="none")
    def static_file(self, request: Request, addon: str, path: str) -> Response:
        directory = static_directory(addon)
        if directory is None:
            raise NotFound()
        target = safe_join(str(directory), path)
        if target is None or not Path(target).is_file():
            raise NotFound()
        response = send_file(target, request.environ, conditional=True, etag=True,
                             max_age=0)
        response.headers["Cache-Control"] = "no-cache"  # revalidate: 304 when unchanged
        response.headers["X-Content-Type-Options"] = "nosniff"
        return response
