"""signature.js in headless Chromium on a phone viewport, against a tiny Flask page."""
import struct
import zlib
from pathlib import Path

import pytest
from flask import Flask, jsonify, request

from app.platform.uploads import check_signature_png, decode_data_url
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
<div data-signature-pad data-save-url="/api/jobs/12/signature">
  <canvas></canvas>
  <label>Name <input name="signer_name" autocomplete="name"></label>
  <button data-action="clear">Clear</button>
  <button data-action="save">Save</button>
  <p data-status aria-live="polite"></p>
</div>
<script src="/static/js/app.js"></script>
<script src="/static/js/signature.js"></script>
</body></html>"""


class Recorder:
    def __init__(self):
        self.posts = []
        self.mode = "ok"


def make_app(recorder):
    app = Flask(__name__, static_folder=str(STATIC), static_url_path="/static")

    @app.get("/")
    def index():
        return PAGE

    @app.post("/api/jobs/<int:job_id>/signature")
    def save(job_id):
        recorder.posts.append({"json": request.get_json(), "headers": dict(request.headers)})
        if recorder.mode == "error":
            return jsonify(success=False, error="Odoo refused the signature: job is closed"), 422
        return jsonify(success=True, url=f"/files/signatures/fsm_{job_id}.png?sig=x")

    return app


@pytest.fixture(scope="module")
def server():
    recorder = Recorder()
    with serving(make_app(recorder)) as url:
        yield url, recorder



@pytest.fixture
def pad(browser, server):
    base_url, recorder = server
    recorder.posts.clear()
    recorder.mode = "ok"
    context = browser.new_context(
        viewport={"width": 390, "height": 844}, device_scale_factor=2, has_touch=True,
        is_mobile=True,
    )
    page = context.new_page()
    errors = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    # Console errors include CSP violations: the app's CSP must not block anything the pad does.
    # (Failed requests are expected in some tests; they are logged as errors too.)
    page.on("console", lambda msg: msg.type == "error"
            and not msg.text.startswith("Failed to load resource") and errors.append(msg.text))
    page.goto(base_url + "/")
    page.wait_for_function("() => document.querySelector('[data-signature-pad]').signaturePad")
    page.evaluate("""() => {
        window.savedEvents = [];
        document.addEventListener('signature:saved', (e) => window.savedEvents.push(e.detail));
    }""")
    yield page, recorder
    context.close()
    assert not errors, errors


def canvas_box(page):
    return page.locator("[data-signature-pad] canvas").bounding_box()


def draw_with_mouse(page):
    box = canvas_box(page)
    x, y = box["x"], box["y"]
    page.mouse.move(x + 30, y + 120)
    page.mouse.down()
    for i in range(1, 25):
        page.mouse.move(x + 30 + i * 10, y + 120 - 60 * ((i % 6) / 6), steps=2)
    page.mouse.up()


def draw_with_pen(page):
    """Pointer events as a stylus sends them, with pressure."""
    page.evaluate("""() => {
        const canvas = document.querySelector('[data-signature-pad] canvas');
        const r = canvas.getBoundingClientRect();
        const send = (type, i, pressure) => canvas.dispatchEvent(new PointerEvent(type, {
            pointerId: 42, pointerType: 'pen', isPrimary: true, bubbles: true, cancelable: true,
            button: type === 'pointermove' ? -1 : 0, buttons: type === 'pointerup' ? 0 : 1,
            pressure, clientX: r.left + 40 + i * 12, clientY: r.top + 160 - i * 3 }));
        send('pointerdown', 0, 0.9);
        for (let i = 1; i < 20; i++) send('pointermove', i, 0.9);
        send('pointerup', 20, 0);
    }""")


def draw_with_finger(page):
    """Real touch input through the DevTools protocol: Chromium turns it into pointer events."""
    box = canvas_box(page)
    cdp = page.context.new_cdp_session(page)
    points = [(box["x"] + 60 + i * 9, box["y"] + 60 + (i % 5) * 8) for i in range(20)]
    cdp.send("Input.dispatchTouchEvent", {"type": "touchStart",
                                          "touchPoints": [{"x": points[0][0], "y": points[0][1]}]})
    for px, py in points[1:]:
        cdp.send("Input.dispatchTouchEvent",
                 {"type": "touchMove", "touchPoints": [{"x": px, "y": py}]})
    cdp.send("Input.dispatchTouchEvent", {"type": "touchEnd", "touchPoints": []})
    cdp.detach()


def ink_pixels(page):
    """Pixels the strokes have painted on the on-screen canvas (it is transparent elsewhere)."""
    return page.evaluate("""() => {
        const c = document.querySelector('[data-signature-pad] canvas');
        const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
        let n = 0;
        for (let i = 3; i < d.length; i += 4) if (d[i] > 0) n++;
        return n;
    }""")


def stroke_count(page):
    return page.evaluate(
        "document.querySelector('[data-signature-pad]').signaturePad.strokes.length")


def wait_for_status(page, text):
    page.wait_for_function(
        "t => document.querySelector('[data-status]').textContent === t", arg=text)


def wait_for_status_containing(page, text):
    # Functions, not bare expressions: Playwright evals expressions, which a strict CSP refuses.
    page.wait_for_function(
        "t => document.querySelector('[data-status]').textContent.includes(t)", arg=text)

def status_text(page):
    return page.locator("[data-status]").inner_text()


def decode_png(data):
    """Minimal PNG decoder (8-bit, non-interlaced): returns width, height, rows of RGB(A) bytes."""
    pos, chunks = 8, {}
    while pos < len(data):
        length, kind = struct.unpack(">I4s", data[pos:pos + 8])
        chunks.setdefault(kind, []).append(data[pos + 8:pos + 8 + length])
        pos += 12 + length
    width, height, depth, color, _, _, interlace = struct.unpack(">IIBBBBB", chunks[b"IHDR"][0])
    assert depth == 8 and interlace == 0, (depth, interlace)
    channels = {0: 1, 2: 3, 4: 2, 6: 4}[color]
    raw = zlib.decompress(b"".join(chunks[b"IDAT"]))
    stride = width * channels
    rows, previous = [], bytearray(stride)
    for y in range(height):
        kind = raw[y * (stride + 1)]
        line = bytearray(raw[y * (stride + 1) + 1:(y + 1) * (stride + 1)])
        for i in range(stride):
            a = line[i - channels] if i >= channels else 0
            b = previous[i]
            c = previous[i - channels] if i >= channels else 0
            if kind == 1:
                line[i] = (line[i] + a) & 0xFF
            elif kind == 2:
                line[i] = (line[i] + b) & 0xFF
            elif kind == 3:
                line[i] = (line[i] + (a + b) // 2) & 0xFF
            elif kind == 4:
                p = a + b - c
                pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                line[i] = (line[i] + (a if pa <= pb and pa <= pc else b if pb <= pc else c)) & 0xFF
        rows.append(bytes(line))
        previous = line
    return width, height, channels, rows


def dark_and_transparent_pixels(png):
    width, height, channels, rows = decode_png(png)
    dark = transparent = 0
    for row in rows:
        for x in range(width):
            px = row[x * channels:(x + 1) * channels]
            if channels in (2, 4) and px[-1] < 255:
                transparent += 1
            if min(px[:3] if channels >= 3 else px[:1]) < 128:
                dark += 1
    return dark, transparent


def test_canvas_is_hidpi_sharp(pad):
    page, _ = pad
    size = page.evaluate("""() => {
        const c = document.querySelector('[data-signature-pad] canvas');
        const r = c.getBoundingClientRect();
        return {w: c.width, h: c.height, cssW: r.width, cssH: r.height,
                touchAction: getComputedStyle(c).touchAction};
    }""")
    assert size["cssW"] > 300 and size["cssH"] >= 100
    assert size["w"] == round(size["cssW"] * 2)
    assert size["h"] == round(size["cssH"] * 2)
    assert size["touchAction"] == "none"


def test_buttons_are_big_enough_to_tap(pad):
    page, _ = pad
    for action in ("clear", "save"):
        box = page.locator(f"[data-action={action}]").bounding_box()
        assert box["height"] >= 44 and box["width"] >= 44


def test_draw_with_mouse_pen_and_finger_then_save(pad):
    page, recorder = pad
    save = page.locator("[data-action=save]")
    assert save.is_disabled()

    draw_with_mouse(page)
    draw_with_pen(page)
    draw_with_finger(page)

    assert stroke_count(page) == 3
    assert ink_pixels(page) > 500
    widths = page.evaluate(
        "document.querySelector('[data-signature-pad]').signaturePad.strokes.map(s => s[1].w)")
    assert widths[1] > widths[0], "a firm stylus draws a wider line than a mouse"
    assert save.is_disabled(), "no name typed yet"

    page.fill("input[name=signer_name]", "  Ada Lovelace ")
    assert save.is_enabled()
    save.click()
    wait_for_status(page, "Signature saved")

    assert len(recorder.posts) == 1
    post = recorder.posts[0]
    assert post["headers"]["X-Csrftoken"] == TOKEN
    assert post["headers"]["Content-Type"].startswith("application/json")
    assert post["json"]["signer_name"] == "Ada Lovelace"
    png = decode_data_url(post["json"]["image"])
    check_signature_png(png)
    width, height, _, _ = decode_png(png)
    assert 50 <= width <= 1200 and 20 <= height <= 4000
    dark, transparent = dark_and_transparent_pixels(png)
    assert dark > 200, "the signature is in the PNG"
    assert transparent == 0, "white background, not transparent"
    assert page.evaluate("window.savedEvents") == [
        {"success": True, "url": "/files/signatures/fsm_12.png?sig=x"}]
    shown = page.locator("[data-signature-image]")
    assert shown.get_attribute("src") == "/files/signatures/fsm_12.png?sig=x"
    assert shown.get_attribute("alt") == "Customer signature"
    # one signature on screen (issue 27): the drawing leaves the pad, which folds away behind
    # an active "Replace signature"
    assert page.locator("[data-signature-pad] canvas").is_hidden() and stroke_count(page) == 0
    replace = page.locator("[data-signature-replace]")
    assert replace.is_visible() and replace.is_enabled()
    assert replace.inner_text() == "Replace signature"
    assert page.evaluate("getComputedStyle(document.querySelector("
                         "'[data-signature-replace]')).opacity") == "1"
    replace.click()
    assert page.locator("[data-signature-pad] canvas").is_visible() and save.is_disabled()


def test_wide_signature_is_downscaled_to_1200px(pad):
    page, recorder = pad
    page.set_viewport_size({"width": 1800, "height": 900})
    page.wait_for_function(
        "() => document.querySelector('[data-signature-pad] canvas').width > 3000")
    box = canvas_box(page)
    page.mouse.move(box["x"] + 5, box["y"] + 50)
    page.mouse.down()
    page.mouse.move(box["x"] + box["width"] - 5, box["y"] + 150, steps=30)
    page.mouse.up()
    page.fill("input[name=signer_name]", "Wide Signer")
    page.click("[data-action=save]")
    wait_for_status(page, "Signature saved")

    png = decode_data_url(recorder.posts[0]["json"]["image"])
    check_signature_png(png)
    assert decode_png(png)[0] == 1200


def test_failed_save_keeps_the_drawing(pad):
    page, recorder = pad
    draw_with_mouse(page)
    page.fill("input[name=signer_name]", "Grace Hopper")
    painted = ink_pixels(page)
    recorder.mode = "error"

    page.click("[data-action=save]")
    wait_for_status_containing(page, "refused")

    assert status_text(page) == "Odoo refused the signature: job is closed"
    assert stroke_count(page) == 1
    assert ink_pixels(page) == painted
    assert page.locator("[data-action=save]").is_enabled()
    assert page.evaluate("window.savedEvents") == []

    # Offline: the request never reaches the server.
    page.route("**/api/jobs/12/signature", lambda route: route.abort("internetdisconnected"))
    page.click("[data-action=save]")
    wait_for_status_containing(page, "connection")
    assert status_text(page) == (
        "Could not send the signature: check your connection and try again")
    assert ink_pixels(page) == painted
    page.unroute("**/api/jobs/12/signature")

    recorder.mode = "ok"
    page.click("[data-action=save]")
    wait_for_status(page, "Signature saved")
    assert len(recorder.posts) == 2
    assert recorder.posts[0]["json"]["image"] == recorder.posts[1]["json"]["image"]


def test_resize_keeps_strokes_and_stays_sharp(pad):
    page, _ = pad
    draw_with_mouse(page)
    assert ink_pixels(page) > 0

    page.set_viewport_size({"width": 844, "height": 390})  # rotate the phone
    page.wait_for_function("""() => {
        const c = document.querySelector('[data-signature-pad] canvas');
        return c.width === Math.round(c.getBoundingClientRect().width * 2) && c.width > 1000;
    }""")
    assert ink_pixels(page) > 0
    assert stroke_count(page) == 1


def test_clear_empties_the_pad(pad):
    page, _ = pad
    draw_with_mouse(page)
    page.fill("input[name=signer_name]", "Someone")
    page.locator("[data-action=clear]").focus()
    page.keyboard.press("Enter")  # buttons work from the keyboard

    assert stroke_count(page) == 0
    assert ink_pixels(page) == 0
    assert page.locator("[data-action=save]").is_disabled()
