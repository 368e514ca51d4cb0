"""File storage behind one interface: S3 (or any S3-compatible service) and the local filesystem.

Like CTFd's uploaders: callers never see boto3 or paths. They store bytes under a key, keep
``reference(key)`` (a stable string, never an expiring URL) in Odoo, and turn it back into a
short-lived download URL with ``presigned_url(key_from_reference(ref))`` when a page is shown.
"""
import abc
import hashlib
import hmac
import json
import logging
import mimetypes
import os
import secrets
import tempfile
import time
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import quote, urlencode

from flask import current_app, has_request_context, request
from werkzeug.utils import secure_filename

from app.platform.i18n import _, lazy_gettext

logger = logging.getLogger(__name__)

DEFAULT_PRESIGN_SECONDS = 3600
# S3 refuses SigV4 URLs valid for more than 7 days; the local backend follows the same rule.
MAX_PRESIGN_SECONDS = 7 * 24 * 3600
_EXTENSION_KEY = "fieldkit.storage"
# Extensions that match each accepted content type; the first is used when renaming.
_EXTENSIONS = {
    "image/jpeg": (".jpg", ".jpeg"),
    "image/png": (".png",),
    "image/webp": (".webp",),
    "image/heic": (".heic",),
    "image/heif": (".heif", ".heic"),
}


class StorageError(Exception):
    """The file store failed: ``user_message`` is safe to show, ``cause`` is for the logs."""

    default_message = lazy_gettext("The file store can't be reached right now. Please try again "
                                   "in a moment.")

    def __init__(self, user_message=None, *, cause=None):
        self.user_message = str(user_message or self.default_message)
        self.cause = cause
        super().__init__(self.user_message)


def make_key(prefix, filename, content_type=None):
    """A new key ``<prefix>/<random>/<safe file name>``; the extension follows ``content_type``."""
    name = secure_filename(filename or "") or "file"
    extensions = _EXTENSIONS.get(content_type or "")
    if extensions:
        stem, extension = os.path.splitext(name)
        if extension.lower() not in extensions:
            name = (stem or "file") + extensions[0]
    parts = [p for p in (prefix or "").strip("/").split("/") if p]
    return check_key("/".join([*parts, secrets.token_hex(16), name]))


def check_key(key):
    """Return ``key`` if it is a safe relative object key.

    :raises StorageError: for empty keys, absolute paths, ``..``, hidden segments or control chars.
    """
    if not isinstance(key, str) or not key or len(key) > 1024:
        raise StorageError(_("This file name is not valid."), cause=f"bad key {key!r}")
    if key.startswith("/") or "\\" in key or any(ord(c) < 32 or ord(c) == 127 for c in key):
        raise StorageError(_("This file name is not valid."), cause=f"bad key {key!r}")
    for segment in key.split("/"):
        # Hidden segments are refused so that nothing can reach LocalStorage's ".meta" folder.
        if not segment or segment.startswith("."):
            raise StorageError(_("This file name is not valid."), cause=f"bad key {key!r}")
    return key


def _foreign_reference(ref):
    return StorageError(_("This file is not in Fieldkit's store."),
                        cause=f"foreign reference {ref!r}")


def _clamp_expiry(expires):
    return max(1, min(int(expires), MAX_PRESIGN_SECONDS))


class Storage(abc.ABC):
    """Where Fieldkit keeps photos and signatures."""

    scheme = ""

    @abc.abstractmethod
    def put_object(self, key, data: bytes, content_type) -> str:
        """Store ``data`` under ``key`` and return the key.

        :raises StorageError: when the store cannot be written.
        """

    @abc.abstractmethod
    def put_stream(self, key, chunks, content_type) -> str:
        """Store the bytes of the iterable ``chunks`` under ``key`` without holding them all.

        If ``chunks`` raises (too large, connection lost), nothing is left stored and the
        exception propagates.

        :raises StorageError: when the store cannot be written.
        """

    def get_object(self, key) -> bytes | None:
        """The object's bytes (for the service report), or None when it is missing.

        :raises StorageError: when the store cannot be read.
        """
        raise NotImplementedError

    @abc.abstractmethod
    def presigned_url(self, key, expires=None) -> str:
        """A URL that lets a browser GET the object for ``expires`` seconds (default 1 hour)."""

    @abc.abstractmethod
    def delete(self, key):
        """Delete the object; deleting a missing object is not an error.

        :raises StorageError: when the store cannot be reached.
        """

    def ping(self):
        """Nothing when the store answers (the readiness probe, /readyz).

        :raises StorageError: when it does not.
        """
        return None  # local files: nothing to reach

    @abc.abstractmethod
    def reference(self, key) -> str:
        """A stable string naming the object, to keep in Odoo (never an expiring URL)."""

    @abc.abstractmethod
    def key_from_reference(self, ref) -> str:
        """The key named by ``reference(key)``.

        :raises StorageError: when ``ref`` does not belong to this store.
        """


class S3Storage(Storage):
    """Private bucket on AWS S3 or an S3-compatible service (MinIO, R2, Ceph…)."""

    scheme = "s3"

    def __init__(
        self,
        bucket,
        *,
        region=None,
        endpoint_url=None,
        presign_seconds=DEFAULT_PRESIGN_SECONDS,
        connect_timeout=3.0,
        read_timeout=10.0,
        max_attempts=3,
        access_key_id=None,
        secret_access_key=None,
        addressing_style=None,
        client=None,
        part_size=8 * 1024 * 1024,
    ):
        if not bucket:
            raise ValueError("S3Storage needs a bucket name (S3_BUCKET)")
        self.bucket = bucket
        self.part_size = part_size
        self.presign_seconds = _clamp_expiry(presign_seconds)
        self.client = client or self._make_client(
            region=region,
            endpoint_url=endpoint_url,
            connect_timeout=connect_timeout,
            read_timeout=read_timeout,
            max_attempts=max_attempts,
            access_key_id=access_key_id,
            secret_access_key=secret_access_key,
            # Most S3-compatible services only answer path-style requests.
            addressing_style=addressing_style or ("path" if endpoint_url else "auto"),
        )

    @staticmethod
    def _make_client(*, region, endpoint_url, connect_timeout, read_timeout, max_attempts,
                     access_key_id, secret_access_key, addressing_style):
        # Imported here so that the local backend works without boto3 installed.
        import boto3
        from botocore.config import Config

        config = Config(
            region_name=region,
            signature_version="s3v4",
            connect_timeout=connect_timeout,
            read_timeout=read_timeout,
            # Counts the first try too: a dead S3 costs at most max_attempts × the timeouts.
            retries={"total_max_attempts": max_attempts, "mode": "standard"},
            s3={"addressing_style": addressing_style},
        )
        # Without explicit keys boto3 uses its usual chain (environment, profile, instance role).
        return boto3.client(
            "s3",
            endpoint_url=endpoint_url or None,
            aws_access_key_id=access_key_id or None,
            aws_secret_access_key=secret_access_key or None,
            config=config,
        )

    @contextmanager
    def _errors(self, action, key):
        """Turn boto3's errors into StorageError, logging the cause."""
        from botocore.exceptions import BotoCoreError, ClientError

        try:
            yield
        except (BotoCoreError, ClientError) as exc:
            logger.warning(
                "S3 %s of %s/%s failed: %s", action, self.bucket, key, exc, exc_info=True
            )
            raise StorageError(cause=exc) from exc

    def get_object(self, key) -> bytes | None:
        from botocore.exceptions import ClientError

        check_key(key)
        try:
            with self._errors("get_object", key):
                return self.client.get_object(Bucket=self.bucket, Key=key)["Body"].read()
        except StorageError as exc:
            cause = getattr(exc, "cause", None)
            if isinstance(cause, ClientError) and \
                    cause.response.get("Error", {}).get("Code") in ("NoSuchKey", "404"):
                return None
            raise

    def put_object(self, key, data: bytes, content_type) -> str:
        check_key(key)
        with self._errors("put_object", key):
            self.client.put_object(
                Bucket=self.bucket,
                Key=key,
                Body=data,
                ContentType=content_type or "application/octet-stream",
                ServerSideEncryption="AES256",
            )
        return key

    def put_stream(self, key, chunks, content_type) -> str:
        """Multipart upload in parts of ``part_size`` (S3's minimum is 5 MB, except the last)."""
        check_key(key)
        buffer = bytearray()
        upload_id = None
        parts = []
        completed = False
        try:
            for chunk in chunks:
                buffer += chunk
                while len(buffer) >= self.part_size:
                    if upload_id is None:
                        upload_id = self._start_multipart(key, content_type)
                    parts.append(self._upload_part(key, upload_id, len(parts) + 1,
                                                   bytes(buffer[:self.part_size])))
                    del buffer[:self.part_size]
            if upload_id is None:
                # Small enough for one request.
                return self.put_object(key, bytes(buffer), content_type)
            if buffer:
                parts.append(self._upload_part(key, upload_id, len(parts) + 1, bytes(buffer)))
            with self._errors("complete_multipart_upload", key):
                self.client.complete_multipart_upload(
                    Bucket=self.bucket, Key=key, UploadId=upload_id,
                    MultipartUpload={"Parts": parts},
                )
            completed = True
        finally:
            # Whatever stopped it (a storage error, a client gone mid-upload), no parts linger.
            if not completed and upload_id is not None:
                self._abort_multipart(key, upload_id)
        return key

    def _start_multipart(self, key, content_type):
        with self._errors("create_multipart_upload", key):
            return self.client.create_multipart_upload(
                Bucket=self.bucket, Key=key,
                ContentType=content_type or "application/octet-stream",
                ServerSideEncryption="AES256",
            )["UploadId"]

    def _upload_part(self, key, upload_id, number, data):
        with self._errors("upload_part", key):
            answer = self.client.upload_part(
                Bucket=self.bucket, Key=key, UploadId=upload_id, PartNumber=number, Body=data
            )
        return {"ETag": answer["ETag"], "PartNumber": number}

    def _abort_multipart(self, key, upload_id):
        from botocore.exceptions import BotoCoreError, ClientError

        try:
            self.client.abort_multipart_upload(Bucket=self.bucket, Key=key, UploadId=upload_id)
        except (BotoCoreError, ClientError):
            # A lifecycle rule on the bucket should clean up incomplete uploads anyway.
            logger.warning("Could not abort the multipart upload of %s", key, exc_info=True)

    def presigned_url(self, key, expires=None) -> str:
        check_key(key)
        seconds = _clamp_expiry(self.presign_seconds if expires is None else expires)
        # Signing is local: no request to S3, so this cannot time out.
        with self._errors("presign", key):
            return self.client.generate_presigned_url(
                "get_object", Params={"Bucket": self.bucket, "Key": key}, ExpiresIn=seconds
            )

    def delete(self, key):
        check_key(key)
        with self._errors("delete", key):
            self.client.delete_object(Bucket=self.bucket, Key=key)

    def ping(self):
        with self._errors("head", ""):
            self.client.head_bucket(Bucket=self.bucket)

    def reference(self, key) -> str:
        return f"s3://{self.bucket}/{check_key(key)}"

    def key_from_reference(self, ref) -> str:
        prefix = f"s3://{self.bucket}/"
        if not isinstance(ref, str) or not ref.startswith(prefix):
            raise _foreign_reference(ref)
        return check_key(ref[len(prefix):])


class LocalStorage(Storage):
    """Files on local disk, downloaded through ``/files/<key>`` URLs signed with SECRET_KEY."""

    scheme = "local"
    url_prefix = "/files"

    def __init__(
        self, root, secret_key, *, presign_seconds=DEFAULT_PRESIGN_SECONDS, clock=time.time
    ):
        if not secret_key:
            raise ValueError("LocalStorage needs SECRET_KEY to sign download URLs")
        self.root = Path(root).resolve()
        if isinstance(secret_key, str):
            secret_key = secret_key.encode()
        # A key derived for this one purpose, so these signatures can't be replayed elsewhere.
        self._signing_key = hmac.new(secret_key, b"fieldkit.files.v1", hashlib.sha256).digest()
        self.presign_seconds = _clamp_expiry(presign_seconds)
        self.clock = clock

    def path_for(self, key) -> Path:
        """The file that holds ``key``, guaranteed to be inside the storage root.

        :raises StorageError: for keys that are unsafe or would escape the root.
        """
        check_key(key)
        path = (self.root / key).resolve()
        if not path.is_relative_to(self.root):
            raise StorageError(_("This file name is not valid."),
                               cause=f"key escapes root: {key!r}")
        return path

    def _meta_path(self, key) -> Path:
        return self.root / ".meta" / (key + ".json")

    def get_object(self, key) -> bytes | None:
        try:
            return self.path_for(key).read_bytes()
        except FileNotFoundError:
            return None
        except OSError as exc:
            raise StorageError(cause=f"read {key}: {exc}") from exc

    def put_object(self, key, data: bytes, content_type) -> str:
        path = self.path_for(key)
        meta = self._meta_path(key)
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            meta.parent.mkdir(parents=True, exist_ok=True)
            self._write_atomically(meta, json.dumps({"content_type": content_type}).encode())
            self._write_atomically(path, data)
        except OSError as exc:
            logger.warning("Local storage write of %s failed: %s", key, exc, exc_info=True)
            raise StorageError(cause=exc) from exc
        return key

    def put_stream(self, key, chunks, content_type) -> str:
        """Chunks go to a temporary file next to the target, renamed into place at the end."""
        path = self.path_for(key)
        meta = self._meta_path(key)
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            meta.parent.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-")
        except OSError as exc:
            logger.warning("Local storage write of %s failed: %s", key, exc, exc_info=True)
            raise StorageError(cause=exc) from exc
        try:
            with os.fdopen(fd, "wb") as fh:
                for chunk in chunks:
                    fh.write(chunk)
            self._write_atomically(meta, json.dumps({"content_type": content_type}).encode())
            os.replace(tmp, path)
        except OSError as exc:
            logger.warning("Local storage write of %s failed: %s", key, exc, exc_info=True)
            raise StorageError(cause=exc) from exc
        finally:
            Path(tmp).unlink(missing_ok=True)
        return key

    @staticmethod
    def _write_atomically(path, data):
        # Readers never see half a file: write a temporary file next to it, then rename.
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-")
        try:
            with os.fdopen(fd, "wb") as fh:
                fh.write(data)
            os.replace(tmp, path)
        finally:
            Path(tmp).unlink(missing_ok=True)  # gone already when the rename happened

    def open_object(self, key):
        """Return ``(path, content_type)`` of a stored object.

        :raises FileNotFoundError: when there is no such object.
        :raises StorageError: for unsafe keys.
        """
        path = self.path_for(key)
        if not path.is_file():
            raise FileNotFoundError(key)
        try:
            content_type = json.loads(self._meta_path(key).read_text())["content_type"]
        except (OSError, ValueError, KeyError, TypeError):
            content_type = None
        if not content_type:
            content_type = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
        return path, content_type

    def delete(self, key):
        path = self.path_for(key)
        try:
            path.unlink(missing_ok=True)
            self._meta_path(key).unlink(missing_ok=True)
        except OSError as exc:
            logger.warning("Local storage delete of %s failed: %s", key, exc, exc_info=True)
            raise StorageError(cause=exc) from exc

    def sign(self, key, expires_at) -> str:
        """HMAC-SHA256 (hex) of the key and its expiry time."""
        message = f"{key}\n{int(expires_at)}".encode()
        return hmac.new(self._signing_key, message, hashlib.sha256).hexdigest()

    def verify(self, key, expires_at, sig) -> bool:
        """True if ``sig`` was made by ``sign(key, expires_at)`` and has not expired."""
        try:
            expires_at = int(expires_at)
        except (TypeError, ValueError):
            return False
        if not isinstance(sig, str) or expires_at < self.clock():
            return False
        return hmac.compare_digest(self.sign(key, expires_at), sig)

    def presigned_url(self, key, expires=None) -> str:
        check_key(key)
        seconds = _clamp_expiry(self.presign_seconds if expires is None else expires)
        expires_at = int(self.clock()) + seconds
        root = request.script_root if has_request_context() else ""
        query = urlencode({"expires": expires_at, "sig": self.sign(key, expires_at)})
        return f"{root}{self.url_prefix}/{quote(key)}?{query}"

    def reference(self, key) -> str:
        return f"local://{check_key(key)}"

    def key_from_reference(self, ref) -> str:
        if not isinstance(ref, str) or not ref.startswith("local://"):
            raise _foreign_reference(ref)
        return check_key(ref[len("local://"):])


def create_storage(config, instance_path) -> Storage:
    """Build the backend that ``config`` asks for (``STORAGE_BACKEND``: ``local`` or ``s3``)."""
    backend = (config.get("STORAGE_BACKEND") or ("s3" if config.get("S3_BUCKET") else "local"))
    backend = backend.lower()
    presign_seconds = config.get("S3_PRESIGN_SECONDS") or DEFAULT_PRESIGN_SECONDS
    if backend == "s3":
        return S3Storage(
            config.get("S3_BUCKET"),
            region=config.get("S3_REGION"),
            endpoint_url=config.get("S3_ENDPOINT_URL"),
            presign_seconds=presign_seconds,
            connect_timeout=config.get("S3_CONNECT_TIMEOUT", 3.0),
            read_timeout=config.get("S3_READ_TIMEOUT", 10.0),
            max_attempts=config.get("S3_MAX_ATTEMPTS", 3),
            access_key_id=config.get("S3_ACCESS_KEY_ID"),
            secret_access_key=config.get("S3_SECRET_ACCESS_KEY"),
            addressing_style=config.get("S3_ADDRESSING_STYLE"),
        )
    if backend == "local":
        root = config.get("STORAGE_LOCAL_DIR") or os.path.join(instance_path, "storage")
        return LocalStorage(root, config.get("SECRET_KEY"), presign_seconds=presign_seconds)
    raise ValueError(f"STORAGE_BACKEND must be 'local' or 's3', not {backend!r}")


def get_storage() -> Storage:
    """The current app's storage backend, built on first use and then reused (one boto3 client)."""
    app = current_app._get_current_object()
    storage = app.extensions.get(_EXTENSION_KEY)
    if storage is None:
        storage = app.extensions[_EXTENSION_KEY] = create_storage(app.config, app.instance_path)
    return storage
