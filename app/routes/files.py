"""Downloads from LocalStorage through signed, expiring URLs (S3 serves its own pre-signed URLs)."""
from flask import Blueprint, abort, request, send_file

from app.platform.s3_service import LocalStorage, StorageError, get_storage

bp = Blueprint("files", __name__)


@bp.get("/files/<path:key>")
def serve_file(key):
    """Send a stored file if the URL's signature is valid and has not expired."""
    storage = get_storage()
    if not isinstance(storage, LocalStorage):
        abort(404)
    expires_at = request.args.get("expires", "")
    if not storage.verify(key, expires_at, request.args.get("sig", "")):
        abort(403)
    try:
        path, content_type = storage.open_object(key)
    except (FileNotFoundError, StorageError):
        abort(404)
    response = send_file(path, mimetype=content_type, conditional=True, max_age=None)
    # The URL is someone's private link: browsers may keep it until it expires, proxies not.
    remaining = max(0, int(expires_at) - int(storage.clock()))
    response.headers["Cache-Control"] = f"private, max-age={remaining}"
    response.headers.pop("Expires", None)
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Content-Security-Policy"] = "sandbox"
    return response
