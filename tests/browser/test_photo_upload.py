"""photo-upload.js in headless Chromium: photos downscaled before upload, originals as fallback."""
import struct
import zlib
from pathlib import Path

import pytest
from flask import Flask, redirect, request

from tests.conftest import serving

sync_api = pytest.importorskip("playwright.sync_api")
pytestmark = pytest.mark.browser

STATIC = Path(__file__).resolve().parents[2] / "app" / "static"
TOKEN = "csrf-token-for-test"
PAGE = f"""<!doctype html>
<html><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'self'; style-src 'self'">
<meta name="csrf-token" content="{TOKEN}">
</head><body>
<p id="visit">{{visit}}</p>
<form data-photo-upload data-next="/jobs/12#photos" method="post" action="/jobs/12/photos"
      enctype="multipart/form-data">
  <input type="hidden" name="csrf_token" value="{TOKEN}">
  <input type="file" name="photos" accept="image/*" multiple>
  <button type="submit">Upload</button>
</form>
<script src="/static/js/app.js"></script>
<script src="/static/js/photo-upload.js"></script>
</body></html>"""
HEIC = (struct.pack(">I", 24) + b"ftypheic\x00\x00\x00\x00mif1heic"
        + b"\x00\x00\x00\x10meta" + b"\x00" * 200)


def make_png(width, height):
    def chunk(kind, body):
        crc = struct.pack(">I", zlib.crc32(kind + body))
        return struct.pack(">I", len(body)) + kind + body + crc
    row = b"\x00" + b"".join(bytes((x * 255 // width, 80, 160)) for x in range(width))
    return (b"\x89PNG\r\n\x1a\n"
            + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(row * height, 1))
            + chunk(b"IEND", b""))


def jpeg_size(data):
    """(width, height) from a JPEG's SOF marker."""
    assert data[:3] == b"\xff\xd8\xff", "not a JPEG"
    pos = 2
    while pos < len(data):
        marker, length = data[pos + 1], struct.unpack(">H", data[pos + 2:pos + 4])[0]
        if marker in (0xC0, 0xC1, 0xC2, 0xC3):
            height, width = struct.unpack(">HH", data[pos + 5:pos + 9])
            return width, height
        pos += 2 + length
    raise AssertionError("no SOF marker")


class Recorder:
    def __init__(self):
        self.posts = []
        self.visits = 0


@pytest.fixture(scope="module")
def server():
    recorder = Recorder()
    app = Flask(__name__, static_folder=str(STATIC), static_url_path="/static")

    @app.get("/jobs/12")
    def job():
        recorder.visits += 1
        return PAGE.replace("{visit}", str(recorder.visits))

    @app.post("/jobs/12/photos")
    def photos():
        recorder.posts.append({
            "headers": dict(request.headers),
            "form": request.form.to_dict(),
            "files": [(f.filename, f.mimetype, f.read()) for f in request.files.getlist("photos")],
        })
        return redirect("/jobs/12")

    with serving(app) as url:
        yield url, recorder



def open_form(browser, server, javascript=True):
    base_url, recorder = server
    recorder.posts.clear()
    context = browser.new_context(viewport={"width": 390, "height": 844}, device_scale_factor=2,
                                  has_touch=True, java_script_enabled=javascript)
    page = context.new_page()
    page.goto(base_url + "/jobs/12")
    return context, page, recorder


def wait_for_status_containing(page, text):
    # Functions, not bare expressions: Playwright evals expressions, which a strict CSP refuses.
    page.wait_for_function(
        "t => document.querySelector('[data-status]').textContent.includes(t)", arg=text)

def test_photos_downscaled_before_upload_and_heic_sent_as_is(browser, server, tmp_path):
    big = tmp_path / "IMG_0001.png"
    big.write_bytes(make_png(3000, 2000))
    heic = tmp_path / "IMG_0002.HEIC"
    heic.write_bytes(HEIC)
    context, page, recorder = open_form(browser, server)
    errors = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    visit = page.inner_text("#visit")

    page.set_input_files("input[name=photos]", [str(big), str(heic)])
    page.click("button[type=submit]")
    page.wait_for_function(
        "v => { const el = document.getElementById('visit');"
        " return !!el && el.textContent !== v; }",
        arg=visit)

    assert not errors, errors
    assert page.url.endswith("/jobs/12#photos")
    assert len(recorder.posts) == 1
    post = recorder.posts[0]
    assert post["headers"]["X-Csrftoken"] == TOKEN
    assert post["form"]["csrf_token"] == TOKEN
    (name1, type1, data1), (name2, _, data2) = post["files"]
    assert (name1, type1) == ("IMG_0001.jpg", "image/jpeg")
    assert jpeg_size(data1) == (1600, 1067)
    assert len(data1) < big.stat().st_size
    assert (name2, data2) == ("IMG_0002.HEIC", HEIC), "undecodable photo sent unchanged"
    context.close()


def test_upload_failure_is_shown_and_form_usable_again(browser, server, tmp_path):
    photo = tmp_path / "small.png"
    photo.write_bytes(make_png(40, 30))
    context, page, recorder = open_form(browser, server)
    page.route("**/jobs/12/photos", lambda route: route.abort("internetdisconnected"))

    page.set_input_files("input[name=photos]", [str(photo)])
    page.click("button[type=submit]")
    wait_for_status_containing(page, "connection")

    assert page.locator("button[type=submit]").is_enabled()
    assert page.locator("[data-progress]").is_hidden()
    page.unroute("**/jobs/12/photos")
    context.close()


def test_without_javascript_the_form_posts_normally(browser, server, tmp_path):
    big = tmp_path / "IMG_0003.png"
    original = make_png(2000, 100)
    big.write_bytes(original)
    context, page, recorder = open_form(browser, server, javascript=False)

    page.set_input_files("input[name=photos]", [str(big)])
    with page.expect_navigation():
        page.click("button[type=submit]")

    assert recorder.posts[0]["files"] == [("IMG_0003.png", "image/png", original)]
    assert "X-Csrftoken" not in recorder.posts[0]["headers"]
    context.close()
