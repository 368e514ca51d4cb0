"""Upload checks: photos by magic bytes, signature PNGs, data URLs."""
import base64
import struct
import zlib

import pytest
from flask import Flask

from app.platform import i18n
from app.platform.uploads import (
    UploadRejected,
    check_photo,
    check_signature_png,
    decode_data_url,
)

JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + b"\x00" * 64
WEBP = b"RIFF\x40\x00\x00\x00WEBPVP8 " + b"\x00" * 64


def ftyp(major, *compatible):
    brands = b"".join(compatible)
    box = struct.pack(">I", 16 + len(brands)) + b"ftyp" + major + b"\x00\x00\x00\x00" + brands
    return box + b"\x00\x00\x00\x08meta" + b"\x00" * 64


def chunk(kind, body):
    return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))


def make_png(width=300, height=100):
    """A real, white, 8-bit greyscale PNG."""
    raw = b"".join(b"\x00" + b"\xff" * width for _ in range(height))
    return (b"\x89PNG\r\n\x1a\n"
            + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(raw))
            + chunk(b"IEND", b""))


PNG = make_png(60, 30)


@pytest.mark.parametrize(("data", "content_type"), [
    (JPEG, "image/jpeg"),
    (PNG, "image/png"),
    (WEBP, "image/webp"),
    (ftyp(b"heic", b"mif1", b"heic"), "image/heic"),
    (ftyp(b"heix", b"mif1"), "image/heic"),
    (ftyp(b"mif1", b"mif1", b"heic"), "image/heic"),
    (ftyp(b"mif1", b"mif1"), "image/heif"),
])
def test_photo_types_accepted_by_magic_bytes(data, content_type):
    # The name says nothing: the bytes decide.
    assert check_photo(data, "upload.bin") == content_type


@pytest.mark.parametrize(("data", "filename"), [
    (b"<html><script>alert(1)</script></html>", "photo.jpg"),
    (b"%PDF-1.7\n" + b"\x00" * 64, "scan.png"),
    (b"GIF89a" + b"\x00" * 64, "anim.webp"),
    (b"MZ\x90\x00" + b"\x00" * 64, "IMG_0001.HEIC"),
    (ftyp(b"avif", b"mif1", b"avif"), "photo.heic"),
    (ftyp(b"mif1", b"mif1", b"avif"), "photo.heif"),
    (ftyp(b"isom", b"mp41"), "clip.jpg"),
    (b"RIFF\x40\x00\x00\x00WAVEfmt " + b"\x00" * 64, "sound.webp"),
])
def test_fake_extension_refused(data, filename):
    with pytest.raises(UploadRejected) as info:
        check_photo(data, filename)
    assert filename in info.value.user_message
    assert "JPEG, PNG, WebP or HEIC" in str(info.value)


def test_empty_photo_refused():
    with pytest.raises(UploadRejected, match="empty"):
        check_photo(b"", "a.jpg")


def test_photo_size_limit_default_10_mb():
    check_photo(JPEG + b"\x00" * (10 * 1024 * 1024 - len(JPEG)), "big.jpg")
    with pytest.raises(UploadRejected, match="too large .*10 MB"):
        check_photo(JPEG + b"\x00" * (10 * 1024 * 1024), "big.jpg")


def test_photo_size_limit_from_config():
    app = Flask(__name__)
    i18n.init_app(app)  # the refusals are translated
    app.config["MAX_PHOTO_BYTES"] = 1000
    with app.app_context():
        check_photo(JPEG, "a.jpg")
        with pytest.raises(UploadRejected, match="too large"):
            check_photo(JPEG + b"\x00" * 1000, "a.jpg")


def test_signature_png_accepted():
    assert check_signature_png(make_png(300, 100)) is None
    check_signature_png(make_png(50, 20))
    check_signature_png(make_png(1200, 400))


@pytest.mark.parametrize(("data", "message"), [
    (b"", "empty"),
    (JPEG, "must be a PNG"),
    (b"\x89PNG\r\n\x1a\n", "damaged"),
    (make_png()[:-12], "damaged"),                        # no IEND: truncated
    (make_png()[:40] + b"\x00" + make_png()[41:], "damaged"),  # CRC mismatch
    (make_png() + b"<script>", "damaged"),               # trailing bytes
    (b"\x89PNG\r\n\x1a\n" + chunk(b"IEND", b""), "damaged"),
    (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", 300, 100, 8, 0, 0, 0, 0))
     + chunk(b"IEND", b""), "damaged"),                  # no image data
    (make_png(49, 100), "too small"),
    (make_png(300, 19), "too small"),
    (make_png(4001, 20), "too big"),
])
def test_bad_signature_png_refused(data, message):
    with pytest.raises(UploadRejected, match=message):
        check_signature_png(data)


def test_signature_png_size_limit():
    big = make_png(300, 100)
    app = Flask(__name__)
    i18n.init_app(app)  # the refusals are translated
    app.config["MAX_SIGNATURE_BYTES"] = len(big) - 1
    with app.app_context(), pytest.raises(UploadRejected, match="too large"):
        check_signature_png(big)


def test_signature_png_too_many_pixels_claimed_in_ihdr():
    png = make_png(300, 100)
    ihdr = struct.pack(">IIBBBBB", 300, 5000, 8, 0, 0, 0, 0)
    forged = png[:8] + chunk(b"IHDR", ihdr) + png[8 + 25:]
    with pytest.raises(UploadRejected, match="too big"):
        check_signature_png(forged)


def test_decode_data_url():
    url = "data:image/png;base64," + base64.b64encode(PNG).decode()
    assert decode_data_url(url) == PNG
    assert decode_data_url("  DATA:image/PNG;base64,\n" + base64.b64encode(PNG).decode()) == PNG


@pytest.mark.parametrize("value", [
    None, 42, "", "hello", "data:image/png;base64,", "data:image/png;base64,!!!!",
    "data:image/png;base64,abc",                       # bad padding
    "data:image/jpeg;base64," + base64.b64encode(JPEG).decode(),
    "data:text/html;base64," + base64.b64encode(b"<b>x</b>").decode(),
    "data:image/png," + base64.b64encode(PNG).decode(),  # not base64
    "https://example.com/sig.png",
])
def test_decode_data_url_garbage(value):
    with pytest.raises(UploadRejected, match="could not be read"):
        decode_data_url(value)


def test_decode_data_url_refuses_huge_payload_before_decoding():
    with pytest.raises(UploadRejected, match="too large"):
        decode_data_url("data:image/png;base64," + "A" * (2 * 1024 * 1024))
