"""Checks on uploaded photos and signatures, made on the bytes before anything is stored.

The type comes from the file's magic bytes: the file name and the browser's content type are
chosen by the client and prove nothing.
"""
import base64
import binascii
import re
import struct
import zlib

from flask import current_app, has_app_context

from app.platform.i18n import _

DEFAULT_MAX_PHOTO_BYTES = 10 * 1024 * 1024
DEFAULT_MAX_SIGNATURE_BYTES = 1024 * 1024
SIGNATURE_MIN_SIZE = (50, 20)
SIGNATURE_MAX_SIZE = (4000, 4000)

PNG_MAGIC = b"\x89PNG\r\n\x1a\n"
# ISO-BMFF brands (ftyp box) of HEIF files; HEIC is HEIF holding HEVC-coded images.
_HEIC_BRANDS = {b"heic", b"heix", b"heim", b"heis", b"hevc", b"hevx", b"hevm", b"hevs"}
_HEIF_BRANDS = {b"mif1", b"msf1"}
_DATA_URL = re.compile(r"data:image/png(?:;[^;,]*)*?;base64,", re.IGNORECASE)


class UploadRejected(Exception):
    """An upload that Fieldkit refuses; the message is written for the person who sent it."""

    def __init__(self, user_message):
        self.user_message = user_message
        super().__init__(user_message)


def _limit(name, default):
    return current_app.config.get(name, default) if has_app_context() else default


def _megabytes(size):
    return f"{size / (1024 * 1024):.1f}".rstrip("0").rstrip(".") + " MB"


def sniff_image_type(data: bytes):
    """The image content type named by ``data``'s magic bytes, or None if not an accepted type."""
    if data.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    if data.startswith(PNG_MAGIC):
        return "image/png"
    if len(data) >= 12 and data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "image/webp"
    if len(data) >= 12 and data[4:8] == b"ftyp":
        return _heif_type(data)
    return None


# ISO-BMFF major brands of MP4 videos (and the QuickTime one): the ftyp box names them.
_MP4_BRANDS = {b"isom", b"iso2", b"iso4", b"iso5", b"iso6", b"mp41", b"mp42", b"avc1", b"M4V ",
               b"M4VP", b"dash", b"mmp4", b"MSNV", b"3gp4", b"3gp5", b"3g2a", b"f4v "}
# Old QuickTime files start with one of these atoms instead of ftyp.
_QT_ATOMS = {b"moov", b"mdat", b"wide", b"free", b"skip", b"pnot"}
_EBML_MAGIC = b"\x1a\x45\xdf\xa3"
DEFAULT_MAX_VIDEO_BYTES = 100 * 1024 * 1024


def sniff_video_type(data: bytes):
    """MP4, QuickTime or WebM judged by the first bytes of the file, or None."""
    if len(data) >= 12 and data[4:8] == b"ftyp":
        major = data[8:12]
        if major == b"qt  ":
            return "video/quicktime"
        if major in _MP4_BRANDS:
            return "video/mp4"
        return None
    if len(data) >= 8 and data[4:8] in _QT_ATOMS:
        return "video/quicktime"
    if data.startswith(_EBML_MAGIC) and b"webm" in data[:64]:
        return "video/webm"
    return None


def max_video_bytes():
    """The configured video size limit (``MAX_VIDEO_MB``, default 100 MB), in bytes."""
    return _limit("MAX_VIDEO_BYTES", DEFAULT_MAX_VIDEO_BYTES)


def _heif_type(data):
    box_size = struct.unpack(">I", data[:4])[0]
    major = data[8:12]
    # Compatible brands follow the major brand and minor version, in 4-byte steps.
    compatible = {data[i:i + 4] for i in range(16, min(box_size, len(data), 256) - 3, 4)}
    if major in _HEIC_BRANDS or (major in _HEIF_BRANDS and compatible & _HEIC_BRANDS):
        return "image/heic"
    if major in _HEIF_BRANDS and not compatible & {b"avif", b"avis"}:
        return "image/heif"
    return None


def check_photo(data: bytes, filename) -> str:
    """Return the photo's content type (JPEG, PNG, WebP, HEIC or HEIF) judged by its bytes.

    :raises UploadRejected: when the file is empty, too large or not one of those images.
    """
    if not data:
        raise UploadRejected(
            _("“%(file)s” is empty. Please choose the photo again.", file=filename) if filename
            else _("This file is empty. Please choose the photo again."))
    limit = _limit("MAX_PHOTO_BYTES", DEFAULT_MAX_PHOTO_BYTES)
    if len(data) > limit:
        size, most = _megabytes(len(data)), _megabytes(limit)
        raise UploadRejected(
            _("“%(file)s” is too large (%(size)s); photos can be up to %(most)s.",
              file=filename, size=size, most=most) if filename
            else _("This file is too large (%(size)s); photos can be up to %(most)s.",
                   size=size, most=most))
    content_type = sniff_image_type(data)
    if content_type is None:
        raise UploadRejected(
            _("“%(file)s” is not a photo Fieldkit accepts (JPEG, PNG, WebP or HEIC).",
              file=filename) if filename
            else _("This file is not a photo Fieldkit accepts (JPEG, PNG, WebP or HEIC)."))
    return content_type


def check_signature_png(data: bytes) -> None:
    """Check that ``data`` is a whole PNG image of a plausible size for a signature.

    :raises UploadRejected: when it is empty, too large, not a PNG, damaged or oddly sized.
    """
    if not data:
        raise UploadRejected(_("The signature is empty. Please ask the customer to sign."))
    limit = _limit("MAX_SIGNATURE_BYTES", DEFAULT_MAX_SIGNATURE_BYTES)
    if len(data) > limit:
        raise UploadRejected(
            _("The signature image is too large (%(size)s; the limit is %(most)s). Please clear "
              "it and sign again.", size=_megabytes(len(data)), most=_megabytes(limit))
        )
    damaged = UploadRejected(
        _("The signature image is damaged. Please clear it and sign again."))
    if not data.startswith(PNG_MAGIC):
        raise UploadRejected(_("The signature must be a PNG image."))
    chunks = _png_chunks(data, damaged)
    first_type, ihdr = chunks[0]
    if first_type != b"IHDR" or len(ihdr) != 13 or chunks[-1][0] != b"IEND":
        raise damaged
    if not any(kind == b"IDAT" for kind, _ in chunks):
        raise damaged
    width, height = struct.unpack(">II", ihdr[:8])
    (min_w, min_h), (max_w, max_h) = SIGNATURE_MIN_SIZE, SIGNATURE_MAX_SIZE
    if width > max_w or height > max_h:
        raise UploadRejected(
            _("The signature image is too big (%(width)d×%(height)d); at most "
              "%(max_width)d×%(max_height)d pixels.", width=width, height=height,
              max_width=max_w, max_height=max_h)
        )
    if width < min_w or height < min_h:
        raise UploadRejected(
            _("The signature image is too small (%(width)d×%(height)d). Please sign again, "
              "larger.", width=width, height=height)
        )


def _png_chunks(data, damaged):
    """Walk the chunks after the PNG signature, checking lengths and CRCs; stop at IEND."""
    chunks = []
    pos = len(PNG_MAGIC)
    while True:
        if pos + 12 > len(data):
            raise damaged
        length, kind = struct.unpack(">I4s", data[pos:pos + 8])
        end = pos + 8 + length
        if end + 4 > len(data):
            raise damaged
        body = data[pos + 8:end]
        (crc,) = struct.unpack(">I", data[end:end + 4])
        if zlib.crc32(kind + body) != crc:
            raise damaged
        chunks.append((kind, body))
        pos = end + 4
        if kind == b"IEND":
            if pos != len(data):
                raise damaged
            return chunks


def decode_data_url(s) -> bytes:
    """The bytes of a ``data:image/png;base64,...`` URL, as canvas.toDataURL() makes them.

    :raises UploadRejected: when ``s`` is not such a URL or its base64 is broken.
    """
    unreadable = UploadRejected(
        _("The signature could not be read. Please clear it and sign again."))
    if not isinstance(s, str):
        raise unreadable
    s = s.strip()
    match = _DATA_URL.match(s)
    if not match:
        raise unreadable
    payload = "".join(s[match.end():].split())
    # Refuse before decoding: base64 is 4/3 the size of the bytes it holds.
    limit = _limit("MAX_SIGNATURE_BYTES", DEFAULT_MAX_SIGNATURE_BYTES)
    if len(payload) > (limit + 2) // 3 * 4 + 4:
        raise UploadRejected(
            _("The signature image is too large (the limit is %(most)s). Please clear it and "
              "sign again.", most=_megabytes(limit))
        )
    try:
        data = base64.b64decode(payload, validate=True)
    except (binascii.Error, ValueError) as exc:
        raise unreadable from exc
    if not data:
        raise unreadable
    return data
