"""Streamed storage (videos): S3 multipart against moto, LocalStorage through a temporary file;
nothing is left behind when the stream fails half-way. Video types judged by content."""

import boto3
import pytest
from moto import mock_aws

from app.platform import media
from app.platform.s3_service import LocalStorage, S3Storage
from app.platform.uploads import sniff_video_type
from tests.unit.test_s3_service import BUCKET, aws_env  # noqa: F401 (fixture)

MB = 1024 * 1024
MP4 = b"\x00\x00\x00\x18ftypmp42\x00\x00\x00\x00mp42isom" + b"\x00" * 100
MOV = b"\x00\x00\x00\x14ftypqt  \x00\x00\x00\x00qt  " + b"\x00" * 100
WEBM = b"\x1a\x45\xdf\xa3\x9f\x42\x86\x81\x01\x42\xf7\x81\x01\x42\x82\x84webm" + b"\x00" * 100
HEIC = b"\x00\x00\x00\x18ftypheic\x00\x00\x00\x00mif1heic" + b"\x00" * 100


class Boom(Exception):
    pass


def chunks(count, size=MB, fail_at=None):
    for i in range(count):
        if i == fail_at:
            raise Boom()
        yield bytes([i % 256]) * size


@pytest.mark.parametrize(
    "data,expected",
    [(MP4, "video/mp4"), (MOV, "video/quicktime"), (WEBM, "video/webm"), (HEIC, None),
     (b"\xff\xd8\xff\xe0 a jpeg named video.mp4", None), (b"", None)],
)
def test_video_type_is_judged_by_content(data, expected):
    assert sniff_video_type(data) == expected


@pytest.fixture
def s3(aws_env):  # noqa: F811
    with mock_aws():
        boto3.client("s3", region_name="us-east-1").create_bucket(Bucket=BUCKET)
        yield S3Storage(BUCKET, region="us-east-1", part_size=5 * MB)


def test_s3_stream_uses_multipart_parts(s3):
    key = "quotes/1/videos/abc/v.mp4"
    s3.put_stream(key, chunks(12), "video/mp4")
    head = s3.client.head_object(Bucket=BUCKET, Key=key)
    assert head["ContentLength"] == 12 * MB and head["ContentType"] == "video/mp4"
    assert head["ETag"].strip('"').endswith("-3")  # three parts: 5 + 5 + 2 MB


def test_s3_small_stream_is_one_put(s3):
    s3.put_stream("quotes/1/videos/abc/s.mp4", iter([MP4]), "video/mp4")
    body = s3.client.get_object(Bucket=BUCKET, Key="quotes/1/videos/abc/s.mp4")["Body"].read()
    assert body == MP4


def test_s3_failed_stream_aborts_the_upload(s3):
    with pytest.raises(Boom):
        s3.put_stream("quotes/1/videos/abc/f.mp4", chunks(12, fail_at=11), "video/mp4")
    assert s3.client.list_multipart_uploads(Bucket=BUCKET).get("Uploads", []) == []
    assert s3.client.list_objects_v2(Bucket=BUCKET).get("KeyCount") == 0


def test_local_stream_and_failure_leave_no_file(tmp_path):
    storage = LocalStorage(tmp_path, "k")
    storage.put_stream("quotes/1/videos/a/v.mp4", chunks(3), "video/mp4")
    path, content_type = storage.open_object("quotes/1/videos/a/v.mp4")
    assert path.stat().st_size == 3 * MB and content_type == "video/mp4"
    with pytest.raises(Boom):
        storage.put_stream("quotes/1/videos/b/v.mp4", chunks(3, fail_at=2), "video/mp4")
    assert not (tmp_path / "quotes/1/videos/b/v.mp4").exists()
    assert not list((tmp_path / "quotes/1/videos/b").iterdir())


def test_limit_stops_the_stream_and_keeps_nothing(tmp_path):
    storage = LocalStorage(tmp_path, "k")
    with pytest.raises(media.VideoTooLarge, match="up to 2 MB"):
        storage.put_stream("q/v.mp4", media._limited(chunks(3), 2 * MB), "video/mp4")
    assert not (tmp_path / "q/v.mp4").exists()
