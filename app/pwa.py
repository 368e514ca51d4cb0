"""PWA plumbing: fingerprinted static URLs, the service worker and the offline page."""
import hashlib
from pathlib import Path

from flask import current_app, url_for

_asset_hashes: dict[str, str] = {}


def asset_hash(filename: str) -> str:
    """Short content hash of a static file, computed once per process."""
    if filename not in _asset_hashes:
        path = Path(current_app.static_folder) / filename
        _asset_hashes[filename] = hashlib.sha256(path.read_bytes()).hexdigest()[:10]
    return _asset_hashes[filename]


def asset_url(filename: str) -> str:
    """URL of a static file with its content hash, so it can be cached for a long time."""
    return url_for("static", filename=filename, v=asset_hash(filename))


def init_app(app):
    app.jinja_env.globals["asset_url"] = asset_url
