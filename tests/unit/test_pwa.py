"""The PWA plumbing of app/pwa.py: the worker's URL and headers, cache headers, gzip, manifest
and icons. No Odoo is needed: none of these pages call it."""
import gzip
import json
import re
import shutil
import struct
import subprocess
import zlib
from datetime import datetime
from pathlib import Path

import brotli
import pytest
from flask import Response, jsonify, stream_with_context

from app import pwa

STATIC = Path(__file__).resolve().parents[2] / "app" / "static"


@pytest.fixture
def odoo_url():
    return "http://odoo.invalid"  # never called by these pages


@pytest.fixture
def app(app):
    """The real app plus a few test routes for the gzip rules."""
    app.add_url_rule("/__tiny", "tiny", lambda: jsonify(ok=True))
    app.add_url_rule("/__big", "big", lambda: jsonify(items=["x" * 40] * 100))
    app.add_url_rule("/__stream", "stream", lambda: Response(
        stream_with_context(iter(["<p>", "y" * 5000, "</p>"])), mimetype="text/html"))
    app.add_url_rule("/__encoded", "encoded", lambda: Response(
        b"z" * 5000, mimetype="text/html", headers={"Content-Encoding": "br"}))
    return app


def gzip_get(client, url, headers=None, **kwargs):
    return client.get(url, headers={"Accept-Encoding": "gzip, deflate", **(headers or {})},
                      **kwargs)


def test_sw_is_served_from_root_with_worker_headers(client):
    response = client.get("/sw.js")
    assert response.status_code == 200
    assert response.mimetype == "text/javascript"
    assert response.headers["Service-Worker-Allowed"] == "/"
    assert response.headers["Cache-Control"] == "no-cache"


def test_sw_version_and_precache_list_are_injected(app, client):
    body = client.get("/sw.js").get_data(as_text=True)
    assert "__CACHE_VERSION__" not in body and "__PRECACHE_URLS__" not in body
    with app.test_request_context():
        version = pwa.cache_version()
        urls = [pwa.asset_url(name) for name in pwa.precached_files()]
    assert f'const CACHE_VERSION = "{version}";' in body
    precache = json.loads(re.search(r"const PRECACHE_URLS = (\[.*?\]);", body).group(1))
    assert precache == urls + ["/offline"]
    for name in ("css/app.css", "js/app.js", "manifest.json", "icons/icon-192.png"):
        assert any(url.startswith(f"/static/{name}?v=") for url in precache), name


def test_sw_version_follows_the_precached_hashes(app, monkeypatch):
    with app.test_request_context():
        before = pwa.cache_version()
        real = pwa.asset_hash
        monkeypatch.setattr(pwa, "asset_hash",
                            lambda name: "0" * 10 if name == "css/app.css" else real(name))
        assert pwa.cache_version() != before


def test_asset_urls_are_worked_out_once_per_process(app, monkeypatch):
    """A page names ~20 static files: outside debug each one's URL (a stat of the file, its
    hash, url_for) is worked out once per process; in debug every time (files change)."""
    hashed = []
    real = pwa.asset_hash
    monkeypatch.setattr(pwa, "asset_hash", lambda name: hashed.append(name) or real(name))
    monkeypatch.setattr(pwa, "_asset_urls", {}, raising=False)
    with app.test_request_context():
        first = pwa.asset_url("css/app.css")
        assert [pwa.asset_url("css/app.css") for _ in range(3)] == [first] * 3
    assert hashed == ["css/app.css"]
    app.debug = True
    with app.test_request_context():
        assert pwa.asset_url("css/app.css") == first
    assert hashed == ["css/app.css"] * 2


def test_sw_revalidates_with_its_etag(client):
    etag = client.get("/sw.js").headers["ETag"]
    assert client.get("/sw.js", headers={"If-None-Match": etag}).status_code == 304


def test_fingerprinted_static_files_are_immutable(app, client):
    with app.test_request_context():
        url = pwa.asset_url("css/app.css")
    response = client.get(url)
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "public, max-age=31536000, immutable"


@pytest.mark.parametrize("query", ["", "?v=0000000000"])
def test_static_files_without_their_hash_are_revalidated(client, query):
    response = client.get(f"/static/css/app.css{query}")
    assert response.status_code == 200
    assert "immutable" not in response.headers["Cache-Control"]
    assert "no-cache" in response.headers["Cache-Control"]


def test_html_is_gzipped_for_clients_that_accept_it(client):
    response = gzip_get(client, "/offline")
    assert response.headers["Content-Encoding"] == "gzip"
    assert "Accept-Encoding" in response.headers["Vary"]
    html = gzip.decompress(response.get_data()).decode()
    assert html.startswith("<!doctype html>")
    assert int(response.headers["Content-Length"]) == len(response.get_data())


def test_no_gzip_without_accept_encoding(client):
    response = client.get("/offline", headers={"Accept-Encoding": "identity"})
    assert "Content-Encoding" not in response.headers
    assert "Accept-Encoding" in response.headers["Vary"]
    assert response.get_data(as_text=True).startswith("<!doctype html>")


def test_static_css_and_js_are_gzipped(app, client):
    with app.test_request_context():
        url = pwa.asset_url("js/pwa.js")
    response = gzip_get(client, url)
    assert response.headers["Content-Encoding"] == "gzip"
    assert gzip.decompress(response.get_data()) == pwa.lean_js(
        (STATIC / "js" / "pwa.js").read_bytes())
    assert "immutable" in response.headers["Cache-Control"]


def test_brotli_where_the_browser_takes_it(app, client):
    """br before gzip (as Chromium asks: "gzip, deflate, br, zstd"): fewer bytes for the first
    visit; a file of one version is compressed once per process, at the best quality."""
    ask = {"Accept-Encoding": "gzip, deflate, br, zstd"}
    page = client.get("/offline", headers=ask)
    assert page.headers["Content-Encoding"] == "br"
    assert brotli.decompress(page.get_data()).decode().startswith("<!doctype html>")
    with app.test_request_context():
        url = pwa.asset_url("js/outbox.js")
    first, again = client.get(url, headers=ask), client.get(url, headers=ask)
    source = pwa.lean_js((STATIC / "js" / "outbox.js").read_bytes())
    assert first.headers["Content-Encoding"] == "br" and first.data == again.data
    assert brotli.decompress(first.data) == source
    assert len(first.data) < len(gzip.compress(source, compresslevel=6, mtime=0))
    assert first.headers["ETag"].startswith("W/")  # still answered with a 304 when unchanged
    assert client.get(url, headers={**ask, "If-None-Match": first.headers["ETag"]}) \
        .status_code == 304


def test_json_is_gzipped(client):
    response = gzip_get(client, "/__big")
    assert response.headers["Content-Encoding"] == "gzip"
    assert json.loads(gzip.decompress(response.get_data()))["items"][0] == "x" * 40


@pytest.mark.parametrize("url", ["/__tiny", "/__stream", "/__encoded"])
def test_small_streamed_or_encoded_responses_are_left_alone(client, url):
    response = gzip_get(client, url)
    assert response.headers.get("Content-Encoding") in (None, "br")
    assert not response.get_data().startswith(b"\x1f\x8b")


def test_images_are_not_gzipped(client):
    response = gzip_get(client, "/static/icons/icon-512.png")
    assert "Content-Encoding" not in response.headers


def test_pages_carry_the_pwa_head_and_scripts(client):
    html = client.get("/offline").get_data(as_text=True)
    assert re.search(r'<link rel="manifest" href="/static/manifest\.json\?v=\w{10}">', html)
    assert '<meta name="theme-color"' in html
    assert re.search(r'<link rel="apple-touch-icon" sizes="180x180" '
                     r'href="/static/icons/apple-touch-icon\.png\?v=', html)
    assert '<meta name="apple-mobile-web-app-capable" content="yes">' in html
    stamp = r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ"
    assert re.search(rf'<meta name="fk-rendered-at" content="{stamp}">', html)
    assert re.search(r'<script src="/static/js/pwa\.js\?v=\w{10}" data-sw="/sw.js" defer>', html)
    assert re.search(r'<script src="/static/js/form-draft\.js\?v=\w{10}" defer>', html)


def test_offline_page_is_public_and_never_shows_the_user(client):
    with client.session_transaction() as session:
        session.update(odoo_sid="sid", user_id=7, username="tech1", user_name="Tessa Tech",
                       role="technician")
    response = client.get("/offline")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "Tessa Tech" not in html and "tech1" not in html
    assert "/logout" not in html
    assert "data-offline-pages" in html and "data-fk-offline-page" in html


def test_manifest_fields():
    manifest = json.loads((STATIC / "manifest.json").read_text())
    assert manifest["name"] == "Fieldkit" and manifest["short_name"] == "Fieldkit"
    assert manifest["start_url"] == "/jobs/active"
    assert manifest["scope"] == "/"
    assert manifest["display"] == "standalone"
    assert re.fullmatch(r"#[0-9a-f]{6}", manifest["theme_color"])
    assert re.fullmatch(r"#[0-9a-f]{6}", manifest["background_color"])
    sizes = {(icon["sizes"], icon.get("purpose", "any")) for icon in manifest["icons"]}
    assert {("192x192", "any"), ("512x512", "any"), ("512x512", "maskable")} <= sizes
    assert [s["url"] for s in manifest["shortcuts"]] == ["/jobs/active"]
    assert manifest["shortcuts"][0]["name"] == "Today's jobs"


def read_png(path):
    """(width, height, colour type) of a PNG, checking every chunk's CRC and the image data."""
    data = path.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    pos, idat, header = 8, b"", None
    while pos < len(data):
        length, kind = struct.unpack(">I4s", data[pos:pos + 8])
        body = data[pos + 8:pos + 8 + length]
        crc = data[pos + 8 + length:pos + 12 + length]
        assert struct.unpack(">I", crc)[0] == zlib.crc32(kind + body)
        if kind == b"IHDR":
            header = struct.unpack(">IIBB", body[:10])
        elif kind == b"IDAT":
            idat += body
        pos += 12 + length
    width, height, depth, colour = header
    assert len(zlib.decompress(idat)) == height * (1 + width * 4)  # 8-bit RGBA rows
    return width, height, colour


@pytest.mark.parametrize("name, size", [
    ("icon-192.png", 192), ("icon-512.png", 512), ("icon-maskable-512.png", 512),
    ("apple-touch-icon.png", 180),
])
def test_icons_are_pngs_of_their_size(name, size):
    assert read_png(STATIC / "icons" / name) == (size, size, 6)


def test_manifest_icons_exist_with_their_declared_sizes():
    manifest = json.loads((STATIC / "manifest.json").read_text())
    for icon in manifest["icons"] + manifest["shortcuts"][0]["icons"]:
        width, height, _ = read_png(STATIC / icon["src"].removeprefix("/static/"))
        assert icon["sizes"] == f"{width}x{height}"


# --- Validators and headers: what a repeat visit costs ---------------------------------------

def test_gzipped_sw_revalidates_with_its_etag(client):
    """The weak validator of the gzipped worker matches, so its update checks cost a 304."""
    etag = gzip_get(client, "/sw.js").headers["ETag"]
    assert etag.startswith('W/"')
    assert gzip_get(client, "/sw.js", headers={"If-None-Match": etag}).status_code == 304


def test_static_files_carry_no_page_headers_and_no_cookie(app, client):
    with client.session_transaction() as session:
        session.update(odoo_sid="sid", user_id=7, csrf_token="raw")
        session.permanent = True
    with app.test_request_context():
        url = pwa.asset_url("css/app.css")
    response = gzip_get(client, url)
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    for name in ("Content-Security-Policy", "X-Frame-Options", "Set-Cookie",
                 "Content-Disposition"):
        assert name not in response.headers, name
    assert "Cookie" not in response.headers.get("Vary", "")


class Later(datetime):
    @classmethod
    def now(cls, tz=None):
        return datetime(2030, 1, 2, 3, 4, 5, tzinfo=tz)


def test_an_unchanged_page_answers_304_to_the_same_session(client, monkeypatch):
    gzip_get(client, "/offline")  # makes this session's CSRF token
    first = gzip_get(client, "/offline")
    etag = first.headers["ETag"]
    assert etag.startswith('W/"')
    monkeypatch.setattr(pwa, "datetime", Later)  # rendered at another time: same validator
    later = gzip_get(client, "/offline")
    assert b"2030-01-02T03:04:05Z" in gzip.decompress(later.get_data())
    assert later.headers["ETag"] == etag
    response = gzip_get(client, "/offline", headers={"If-None-Match": etag})
    assert response.status_code == 304 and response.get_data() == b""
    assert "Content-Security-Policy" not in response.headers  # the kept copy has its own


def test_a_page_is_not_confirmed_to_another_session(app, client):
    gzip_get(client, "/offline")
    etag = gzip_get(client, "/offline").headers["ETag"]
    other = app.test_client()
    gzip_get(other, "/offline")
    response = gzip_get(other, "/offline", headers={"If-None-Match": etag})
    assert response.status_code == 200 and response.headers["ETag"] != etag


def test_no_validator_when_the_session_changed(client):
    """The first rendering makes the CSRF token: the cookie changes, so no ETag."""
    response = client.get("/offline")
    assert "Set-Cookie" in response.headers and "ETag" not in response.headers


def test_precache_holds_every_icon(app):
    with app.test_request_context():
        files = set(pwa.precached_files())
    assert {"icons/icon-192.png", "icons/icon-512.png", "icons/icon-maskable-512.png",
            "icons/apple-touch-icon.png", "manifest.json", "css/app.css", "js/app.js"} <= files


# --- lean JavaScript ----------------------------------------------------------------------------

STATIC_JS = sorted((Path(__file__).resolve().parents[2] / "app" / "static").rglob("*.js"))


def test_lean_js_drops_whole_line_comments_only():
    from app.pwa import lean_js

    source = (b"/* Header\n * more\n */\n'use strict';\n  // a note\nvar a = 'http://x'; // kept\n"
              b"  /* one line */\nvar b = 1; /* after code: kept */\n")
    assert lean_js(source) == (b"'use strict';\nvar a = 'http://x'; // kept\n"
                               b"var b = 1; /* after code: kept */\n")


@pytest.mark.parametrize("path", STATIC_JS, ids=lambda p: p.name)
def test_static_js_is_safe_to_lean(path):
    """No multi-line template literal (a comment-looking line inside one would be cut)."""
    source = path.read_text(encoding="utf-8")
    for literal in re.findall(r"`[^`]*`", source):
        assert "\n" not in literal, f"{path.name}: a multi-line template literal"


@pytest.mark.skipif(shutil.which("node") is None,
                    reason="node is not installed: the browser tests run the lean files instead")
@pytest.mark.parametrize("path", STATIC_JS, ids=lambda p: p.name)
def test_lean_static_js_still_parses(path, tmp_path):
    from app.pwa import lean_js

    lean = tmp_path / path.name
    lean.write_bytes(lean_js(path.read_bytes()))
    result = subprocess.run(["node", "--check", str(lean)], capture_output=True, text=True,
                            timeout=30)
    assert result.returncode == 0, result.stderr


def test_javascript_is_sent_lean_and_gzipped(client):
    response = client.get("/static/js/outbox.js", headers={"Accept-Encoding": "gzip"})
    body = gzip.decompress(response.data)
    source = (Path(__file__).resolve().parents[2] / "app/static/js/outbox.js").read_bytes()
    assert response.headers["Content-Encoding"] == "gzip"
    assert len(body) < len(source) and b"(function () {" in body
    assert not re.search(rb"(?m)^\s*//", body)
