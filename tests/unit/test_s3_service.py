"""Storage backends: S3 against moto, LocalStorage on a temporary folder."""
import time
from urllib.parse import parse_qs, urlsplit

import boto3
import pytest
import requests
from botocore.stub import Stubber
from flask import Flask
from moto import mock_aws

from app.platform import s3_service
from app.platform.s3_service import (
    LocalStorage,
    S3Storage,
    StorageError,
    get_storage,
    make_key,
)

BUCKET = "fieldkit-test"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32


@pytest.fixture
def aws_env(monkeypatch):
    for name, value in {
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "AWS_DEFAULT_REGION": "us-east-1",
    }.items():
        monkeypatch.setenv(name, value)
    for name in ("AWS_PROFILE", "AWS_SESSION_TOKEN", "AWS_ENDPOINT_URL", "AWS_ENDPOINT_URL_S3"):
        monkeypatch.delenv(name, raising=False)


@pytest.fixture
def s3(aws_env):
    with mock_aws():
        boto3.client("s3", region_name="us-east-1").create_bucket(Bucket=BUCKET)
        yield S3Storage(BUCKET, region="us-east-1")


def test_s3_put_stores_private_encrypted_object(s3):
    key = make_key("jobs/12/photos", "IMG 0001.jpg")

    assert s3.put_object(key, b"\xff\xd8\xffphoto", "image/jpeg") == key

    head = s3.client.head_object(Bucket=BUCKET, Key=key)
    assert head["ContentType"] == "image/jpeg"
    assert head["ServerSideEncryption"] == "AES256"
    assert s3.client.get_object(Bucket=BUCKET, Key=key)["Body"].read() == b"\xff\xd8\xffphoto"
    grants = s3.client.get_object_acl(Bucket=BUCKET, Key=key)["Grants"]
    assert all("URI" not in g["Grantee"] for g in grants), "object must not be public"


def test_s3_presigned_url_shape_and_expiry(s3):
    s3.put_object("signatures/fsm_12_1.png", PNG, "image/png")

    url = s3.presigned_url("signatures/fsm_12_1.png")

    parts = urlsplit(url)
    query = parse_qs(parts.query)
    assert parts.scheme == "https"
    assert parts.path.endswith("/signatures/fsm_12_1.png")
    assert BUCKET in parts.netloc + parts.path
    assert query["X-Amz-Algorithm"] == ["AWS4-HMAC-SHA256"]
    assert query["X-Amz-Expires"] == ["3600"]
    assert "X-Amz-Signature" in query
    # moto answers the pre-signed GET as S3 would.
    assert requests.get(url, timeout=5).content == PNG


def test_s3_presigned_url_custom_expiry_is_clamped(s3):
    assert "X-Amz-Expires=60" in s3.presigned_url("a/b.png", expires=60)
    assert "X-Amz-Expires=604800" in s3.presigned_url("a/b.png", expires=10**9)


def test_s3_delete(s3):
    s3.put_object("a/b.png", PNG, "image/png")

    s3.delete("a/b.png")
    s3.delete("a/b.png")  # deleting twice is fine

    assert s3.client.list_objects_v2(Bucket=BUCKET).get("KeyCount") == 0


def test_s3_reference_round_trip(s3):
    ref = s3.reference("signatures/fsm_12_1.png")

    assert ref == f"s3://{BUCKET}/signatures/fsm_12_1.png"
    assert s3.key_from_reference(ref) == "signatures/fsm_12_1.png"


@pytest.mark.parametrize("ref", [
    "s3://other-bucket/a.png", "local://a.png", "https://example.com/a.png", "", None,
    f"s3://{BUCKET}/../a.png",
])
def test_s3_foreign_reference_refused(s3, ref):
    with pytest.raises(StorageError):
        s3.key_from_reference(ref)


def test_s3_unreachable_raises_storage_error(aws_env):
    storage = S3Storage(
        BUCKET, region="us-east-1", endpoint_url="http://127.0.0.1:9",
        connect_timeout=0.2, read_timeout=0.2, max_attempts=1,
    )
    config = storage.client.meta.config  # what bounds the wait: no clock in the test
    assert (config.connect_timeout, config.read_timeout) == (0.2, 0.2)
    assert config.retries["total_max_attempts"] == 1

    with pytest.raises(StorageError) as info:
        storage.put_object("a/b.png", PNG, "image/png")

    assert "try again" in info.value.user_message
    assert info.value.cause is not None
    assert "127.0.0.1" not in info.value.user_message


def test_s3_client_error_raises_storage_error(aws_env):
    storage = S3Storage(BUCKET, region="us-east-1")
    with Stubber(storage.client) as stub:
        stub.add_client_error("put_object", "AccessDenied", "Access Denied", 403)
        stub.add_client_error("delete_object", "InternalError", "oops", 500)
        with pytest.raises(StorageError) as info:
            storage.put_object("a/b.png", PNG, "image/png")
        assert info.value.cause.response["Error"]["Code"] == "AccessDenied"
        with pytest.raises(StorageError):
            storage.delete("a/b.png")


def test_s3_client_has_timeouts_and_limited_retries(aws_env):
    storage = S3Storage(BUCKET, region="eu-west-3", endpoint_url="http://minio:9000",
                        connect_timeout=2, read_timeout=7, max_attempts=2)
    config = storage.client.meta.config

    assert (config.connect_timeout, config.read_timeout) == (2, 7)
    assert config.retries["total_max_attempts"] == 2
    assert storage.client.meta.endpoint_url == "http://minio:9000"
    assert storage.presigned_url("a/b.png").startswith(f"http://minio:9000/{BUCKET}/a/b.png?")


@pytest.fixture
def local(tmp_path):
    return LocalStorage(tmp_path / "storage", "s3cret")


def test_local_put_and_read(local):
    local.put_object("jobs/1/photos/x/a.jpg", b"\xff\xd8\xffjpeg", "image/jpeg")

    path, content_type = local.open_object("jobs/1/photos/x/a.jpg")
    assert path.read_bytes() == b"\xff\xd8\xffjpeg"
    assert content_type == "image/jpeg"
    assert path.is_relative_to(local.root)


def test_local_delete(local):
    local.put_object("a/b.png", PNG, "image/png")
    local.delete("a/b.png")
    local.delete("a/b.png")
    with pytest.raises(FileNotFoundError):
        local.open_object("a/b.png")


def test_local_presigned_url_signature_and_expiry(local):
    url = local.presigned_url("signatures/fsm_1_2.png", expires=600)

    parts = urlsplit(url)
    query = {k: v[0] for k, v in parse_qs(parts.query).items()}
    assert parts.path == "/files/signatures/fsm_1_2.png"
    assert abs(int(query["expires"]) - (time.time() + 600)) < 5
    assert local.verify("signatures/fsm_1_2.png", query["expires"], query["sig"])
    assert not local.verify("signatures/fsm_1_3.png", query["expires"], query["sig"])
    assert not local.verify("signatures/fsm_1_2.png", int(query["expires"]) + 1, query["sig"])
    tampered = query["sig"][:-1] + ("1" if query["sig"].endswith("0") else "0")
    assert not local.verify("signatures/fsm_1_2.png", query["expires"], tampered)
    assert not local.verify("signatures/fsm_1_2.png", "soon", query["sig"])

    local.clock = lambda: int(query["expires"]) + 1
    assert not local.verify("signatures/fsm_1_2.png", query["expires"], query["sig"])


def test_local_signature_depends_on_secret(tmp_path, local):
    other = LocalStorage(tmp_path / "storage", "another secret")
    expires_at = int(time.time()) + 60
    assert other.sign("a/b.png", expires_at) != local.sign("a/b.png", expires_at)
    assert not other.verify("a/b.png", expires_at, local.sign("a/b.png", expires_at))


@pytest.mark.parametrize("key", [
    "../outside.png", "a/../../outside.png", "/etc/passwd", "a//b.png", "a\\..\\b.png",
    ".meta/a.png.json", "a/.hidden", "", "a/b\x00.png",
])
def test_local_traversal_and_bad_keys_refused(local, tmp_path, key):
    with pytest.raises(StorageError):
        local.put_object(key, b"x", "text/plain")
    with pytest.raises(StorageError):
        local.presigned_url(key)
    assert not (tmp_path / "outside.png").exists()


def test_local_symlink_escape_refused(local, tmp_path):
    outside = tmp_path / "outside"
    outside.mkdir()
    local.root.mkdir(parents=True, exist_ok=True)
    (local.root / "link").symlink_to(outside)
    with pytest.raises(StorageError):
        local.put_object("link/a.png", PNG, "image/png")
    assert not (outside / "a.png").exists()


def test_local_reference_round_trip(local):
    assert local.reference("a/b.png") == "local://a/b.png"
    assert local.key_from_reference("local://a/b.png") == "a/b.png"
    with pytest.raises(StorageError):
        local.key_from_reference(f"s3://{BUCKET}/a/b.png")


def test_make_key_random_prefix_and_safe_name():
    first = make_key("jobs/12/photos", "../../My Photo (1).JPG")
    second = make_key("jobs/12/photos", "../../My Photo (1).JPG")

    assert first != second
    prefix, random_part, name = first.rsplit("/", 2)
    assert prefix == "jobs/12/photos"
    assert len(random_part) == 32
    assert name == "My_Photo_1.JPG"
    assert make_key("jobs/1/photos", "IMG_1.HEIC", "image/jpeg").endswith("/IMG_1.jpg")
    assert make_key("jobs/1/photos", "photo.jpeg", "image/jpeg").endswith("/photo.jpeg")
    assert make_key("jobs/1/photos", "", "image/png").endswith("/file.png")
    assert make_key("jobs/1/photos", "évènement.webp").endswith("/evenement.webp")


def _app(tmp_path, **config):
    app = Flask("storage_test", instance_path=str(tmp_path / "instance"))
    app.config.update(SECRET_KEY="s3cret", **config)
    return app


def test_get_storage_defaults_to_local_under_instance_folder(tmp_path):
    app = _app(tmp_path)
    with app.app_context():
        storage = get_storage()
        assert isinstance(storage, LocalStorage)
        assert storage.root == (tmp_path / "instance" / "storage").resolve()
        assert get_storage() is storage


def test_get_storage_local_dir_setting(tmp_path):
    with _app(tmp_path, STORAGE_LOCAL_DIR=str(tmp_path / "elsewhere")).app_context():
        assert get_storage().root == (tmp_path / "elsewhere").resolve()


def test_get_storage_chooses_s3_when_bucket_set(tmp_path, aws_env):
    app = _app(tmp_path, S3_BUCKET=BUCKET, S3_REGION="eu-west-1", S3_PRESIGN_SECONDS=900)
    with app.app_context():
        storage = get_storage()
        assert isinstance(storage, S3Storage)
        assert storage.client.meta.region_name == "eu-west-1"
        assert "X-Amz-Expires=900" in storage.presigned_url("a/b.png")


def test_get_storage_explicit_local_wins_over_bucket(tmp_path):
    with _app(tmp_path, STORAGE_BACKEND="local", S3_BUCKET=BUCKET).app_context():
        assert isinstance(get_storage(), LocalStorage)


def test_get_storage_rejects_unknown_backend(tmp_path):
    with _app(tmp_path, STORAGE_BACKEND="ftp").app_context(), pytest.raises(ValueError):
        get_storage()


def test_storage_interface_is_abstract():
    with pytest.raises(TypeError):
        s3_service.Storage()
