"""PWA plumbing: fingerprinted static URLs, the service worker and the offline page."""
import gzip
import hashlib
import json
import re
from datetime import UTC, datetime
from pathlib import Path

import brotli
from flask import (
    Blueprint,
    current_app,
    g,
    has_request_context,
    make_response,
    render_template,
    request,
    session,
    url_for,
)

from app.platform import i18n

bp = Blueprint("pwa", __name__)

# Static files the worker precaches (what a cached job page needs to look right offline, and
# the icons issue 5 lists); a change to any of them bumps CACHE_VERSION. "/" is not among them:
# it only redirects (to the jobs or the login), so offline the worker answers it with the
# cached start page instead.
PRECACHE_STATIC = (
    "css/app.css",
    "css/jobs.css",
    "js/app.js",
    "js/pwa.js",
    "js/form-draft.js",
    "js/outbox.js",
    "js/checklist.js",
    "manifest.json",
    "icons/icon-192.png",
    "icons/icon-512.png",
    "icons/icon-maskable-512.png",
    "icons/apple-touch-icon.png",
    "img/icons.svg",
)
IMMUTABLE = "public, max-age=31536000, immutable"
GZIP_MIN_BYTES = 500
GZIP_TYPES = {
    "text/html",
    "text/css",
    "text/javascript",
    "application/javascript",
    "application/json",
    "application/manifest+json",
}

# filename -> (mtime_ns, hash): recomputed when the file changes (development reloads).
_asset_hashes: dict[str, tuple[int, str]] = {}


def asset_hash(filename: str) -> str:
    """Short content hash of a static file, computed once per version of the file.

    :raises FileNotFoundError: when the file does not exist.
    """
    path = Path(current_app.static_folder) / filename
    mtime = path.stat().st_mtime_ns
    cached = _asset_hashes.get(filename)
    if cached is None or cached[0] != mtime:
        cached = (mtime, hashlib.sha256(path.read_bytes()).hexdigest()[:10])
        _asset_hashes[filename] = cached
    return cached[1]


# (static folder, script root, filename) -> URL. Outside debug a deployed file changes only
# with a new process: a page names ~20 files, and a stat and a URL build each was ~7 % of the
# job page's CPU time.
_asset_urls: dict[tuple[str | None, str, str], str] = {}


def asset_url(filename: str) -> str:
    """URL of a static file with its content hash, so it can be cached for a long time."""
    if current_app.debug or not has_request_context():
        return url_for("static", filename=filename, v=asset_hash(filename))
    key = (current_app.static_folder, request.script_root, filename)
    url = _asset_urls.get(key)
    if url is None:
        url = _asset_urls[key] = url_for("static", filename=filename, v=asset_hash(filename))
    return url


def precached_files() -> list[str]:
    """The files of PRECACHE_STATIC that exist (app.css/app.js may not in a bare checkout)."""
    static = Path(current_app.static_folder)
    return [name for name in PRECACHE_STATIC if (static / name).is_file()]


def cache_version() -> str:
    """Cache generation from the precached files' hashes: a deploy that changes one bumps it."""
    digest = hashlib.sha256()
    for name in precached_files():
        digest.update(f"{name}={asset_hash(name)};".encode())
    return digest.hexdigest()[:10]


@bp.route("/sw.js")
def service_worker():
    """The worker, served from / so that its scope is the whole app, never cached for long."""
    source = (Path(current_app.static_folder) / "sw.js").read_text(encoding="utf-8")
    urls = [asset_url(name) for name in precached_files()] + [url_for("pwa.offline")]
    source = source.replace("'__CACHE_VERSION__'", json.dumps(cache_version())).replace(
        "['__PRECACHE_URLS__']", json.dumps(urls)
    )
    response = make_response(source)
    response.headers["Content-Type"] = "text/javascript; charset=utf-8"
    response.headers["Service-Worker-Allowed"] = "/"
    response.headers["Cache-Control"] = "no-cache"
    response.set_etag(hashlib.sha256(source.encode()).hexdigest()[:16])
    return response.make_conditional(request)


@bp.route("/offline")
def offline():
    """The page shown for uncached pages without network; cached for every user of the device,
    in the language ?lang= names (the worker asks for the user's, see sw.js offlineIn), else
    the browser's."""
    lang = i18n.closest(request.args.get("lang")) or i18n.language()
    with i18n.force_locale(lang):
        # session={} hides the signed-in user from base.html: this HTML is shared by all users.
        response = make_response(render_template("offline.html", session={}))
    response.headers["Content-Language"] = lang
    response.vary.add("Accept-Language")
    return response


@bp.route("/i18n/<lang>.js")
def script_catalogue(lang):
    """The scripts' words in a language (window.FK_I18N, app/platform/i18n.py): the same for
    everyone, cached for a year at its fingerprinted URL (?v=<hash>), by the worker too."""
    if lang not in i18n.LANGUAGES or lang == i18n.DEFAULT:
        return "", 404
    body, version = i18n.script_catalogue(lang)
    response = make_response(body)
    response.headers["Content-Type"] = "text/javascript; charset=utf-8"
    response.headers["Cache-Control"] = IMMUTABLE if request.args.get("v") == version \
        else "no-cache"
    response.set_etag(version)
    return response.make_conditional(request)


def script_catalogue_url() -> str | None:
    """Where a page not in English finds its scripts' words (None in English: nothing to
    load)."""
    lang = i18n.language()
    if lang == i18n.DEFAULT or lang not in i18n.LANGUAGES:
        return None
    return url_for("pwa.script_catalogue", lang=lang, v=i18n.script_catalogue(lang)[1])


def rendered_at() -> dict:
    """`fk_rendered_at` for <meta name="fk-rendered-at">: when this copy of the page was made."""
    now = datetime.now(UTC).replace(microsecond=0)
    g.fk_rendered_at = now.isoformat().replace("+00:00", "Z")
    return {"fk_rendered_at": g.fk_rendered_at}


def revalidate_page(response):
    """A weak ETag on GET pages, and 304 Not Modified when the browser's copy is still right.

    The worker refreshes its offline copies of the day's job pages each time the jobs list is
    shown (and the browser revalidates every page it kept, as they are `private, no-cache`): an
    unchanged page then costs a 304 of a few hundred bytes instead of the whole page. The
    validator hashes the page without what changes at every rendering (the CSRF token's
    signature and the render time, hence weak) plus this session's raw CSRF token, so a copy is
    only confirmed to the session it was made for, with a token that still works. No ETag when
    the session changed (a flashed message was shown, a login): the cookie changes with it.
    """
    field = current_app.config.get("WTF_CSRF_FIELD_NAME", "csrf_token")  # Flask-WTF's names
    if (
        request.method not in ("GET", "HEAD")
        or response.status_code != 200
        or response.mimetype != "text/html"
        or response.direct_passthrough
        or response.is_streamed
        or "ETag" in response.headers
        or session.modified
        or not session.get(field)
    ):
        return response
    body = response.get_data()
    for volatile in (g.get(field), g.get("fk_rendered_at")):  # the signed token, render time
        if volatile:
            body = body.replace(volatile.encode(), b"")
    digest = hashlib.sha256(body)
    digest.update(session[field].encode())
    response.set_etag(digest.hexdigest()[:24], weak=True)
    return response.make_conditional(request)


def cache_static(response):
    """Fingerprinted static URLs (?v=<hash> matching the file) may be cached for a year."""
    if request.endpoint != "static" or response.status_code != 200:
        return response
    filename = (request.view_args or {}).get("filename", "")
    try:
        fresh = request.args.get("v") == asset_hash(filename)
    except OSError:  # the file vanished between serving and hashing: no long caching
        fresh = False
    response.headers["Cache-Control"] = IMMUTABLE if fresh else "no-cache"
    response.headers.pop("Content-Disposition", None)  # send_file's "inline; filename=..."
    # The ETag alone validates (If-None-Match); Last-Modified was 46 bytes more on each file.
    response.headers.pop("Last-Modified", None)
    return response


_COMMENT_LINE = re.compile(rb"^[ \t]*//[^\n]*\n", re.M)
_COMMENT_BLOCK = re.compile(rb"^[ \t]*/\*.*?\*/[ \t]*\n", re.M | re.S)


def lean_js(body: bytes) -> bytes:
    """Our JavaScript without its whole-line comments, as sent to browsers.

    The sources stay commented for people; phones on weak signal need not download the
    comments (a third of the gzipped bytes). Only comments that fill whole lines go: a
    comment after code stays, so strings and code are never touched (the files use no
    multi-line string or template literal, which tests/unit/test_pwa.py checks).
    """
    return _COMMENT_LINE.sub(b"", _COMMENT_BLOCK.sub(b"", body))


def _is_our_js(response):
    return response.mimetype == "text/javascript" and request.endpoint in ("static",
                                                                           "pwa.service_worker")


# Files of one version (static, the worker script) are Brotli-compressed once per process at
# the best quality (tens of ms each), then served from here; pages at a quick quality.
_compressed: dict[tuple, bytes] = {}
_COMPRESSED_MAX = 256
BROTLI_PAGE_QUALITY = 5


def _encoding() -> str | None:
    """br where the browser takes it (every current one, over HTTPS and on localhost), else
    gzip, else none."""
    if request.accept_encodings["br"] > 0:
        return "br"
    return "gzip" if request.accept_encodings["gzip"] > 0 else None


def _encoded(body: bytes, encoding: str, version: str | None) -> bytes:
    if encoding == "gzip":
        return gzip.compress(body, compresslevel=6, mtime=0)
    if version is None:
        return brotli.compress(body, quality=BROTLI_PAGE_QUALITY)
    key = (request.path, version)
    found = _compressed.get(key)
    if found is None:
        found = brotli.compress(body, quality=11)
        if len(_compressed) >= _COMPRESSED_MAX:
            _compressed.clear()
        _compressed[key] = found
    return found


def compress(response):
    """Brotli or gzip for text responses the client accepts it for, except small, encoded or
    streamed ones (Brotli: about 15 % fewer bytes than gzip on our pages and files)."""
    if response.mimetype not in GZIP_TYPES:
        return response
    response.vary.add("Accept-Encoding")
    encoding = _encoding()
    if (
        response.status_code < 200
        or response.status_code in (204, 206, 304)
        or "Content-Encoding" in response.headers
        or encoding is None
    ):
        return response
    if response.direct_passthrough:
        # send_file streams static files; those (CSS, JS, manifest) are small enough to read.
        if request.endpoint != "static":
            return response
        response.direct_passthrough = False
    elif response.is_streamed:
        return response
    body = response.get_data()
    if _is_our_js(response):
        body = lean_js(body)
    if len(body) < GZIP_MIN_BYTES:
        response.set_data(body)
        return response
    etag, _ = response.get_etag()
    one_version = request.endpoint in ("static", "pwa.service_worker") and etag
    response.set_data(_encoded(body, encoding, etag if one_version else None))
    response.headers["Content-Encoding"] = encoding
    response.headers.pop("Accept-Ranges", None)  # byte ranges of the file no longer apply
    if etag:
        # Another representation of the same content: a weak validator (as nginx does), which
        # If-None-Match still matches, since the views compare before compressing. A "-gzip"
        # suffix would never match there, and the worker script would never get its 304.
        response.set_etag(etag, weak=True)
    return response


def init_app(app):
    """Register asset_url, the pwa blueprint, the render-time value and the caching/gzip hooks."""
    app.jinja_env.globals["asset_url"] = asset_url
    app.jinja_env.globals["script_catalogue_url"] = script_catalogue_url
    app.register_blueprint(bp)
    app.context_processor(rendered_at)
    # after_request hooks run in reverse order: set cache headers and validators first, then
    # compress (a 304 has nothing to compress).
    app.after_request(compress)
    app.after_request(cache_static)
    app.after_request(revalidate_page)
