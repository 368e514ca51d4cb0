"""Issue 9, defect 2 ("forged file references"): a record's page links only files Fieldkit stored
for that same record. Typed references, references copied from another job, guessed signature
keys and values written straight into ``x_signature_url`` give no link."""

import io
import re

import pytest

from app.odoo.client import OdooAPI
from app.platform import chatter, media
from app.platform.s3_service import get_storage
from app.services import jobs as jobs_service
from tests.integration.test_jobs import JPEG, Admin, data_url, make_png


@pytest.fixture
def admin(emulator):
    emulator.reset()
    jobs_service.clear_stage_cache()
    return Admin(emulator.url)


def _open_job(admin, login):
    return next(o["id"] for o in admin.orders_of(login) if not o["is_closed"])


@pytest.fixture
def jobs(admin):
    return _open_job(admin, "tech1"), _open_job(admin, "tech2")


def _note_lines(admin, job_id, kind):
    """The bound references Fieldkit wrote in the job's history (as its admin reads them)."""
    text = "\n".join(m["text"] for m in admin.messages(job_id))
    return re.findall(rf"fieldkit-{kind}:\s*(\S+)", text)


def _file_links(page):
    return re.findall(r'src="(/files/[^"]+)"', page)


def _as(app, login, username):
    client = app.test_client()
    login(client, username)
    return client


def test_tech1_typing_tech2s_photo_reference_gets_no_link(app, login, admin, jobs):
    mine, theirs = jobs
    tech2 = _as(app, login, "tech2")
    upload = {"photos": [(io.BytesIO(JPEG), "meter.jpg")]}
    assert tech2.post(f"/jobs/{theirs}/photos", data=upload).status_code == 302
    (bound,) = _note_lines(admin, theirs, "photo")
    plain = bound.rpartition("#")[0]
    assert _file_links(tech2.get(f"/jobs/{theirs}").get_data(as_text=True))  # tech2 sees it

    tech1 = _as(app, login, "tech1")
    for forged in (bound, plain, plain + "#AAAAAAAAAAAAAAAAAAAAAAAA"):
        note = f"look fieldkit-photo: {forged}"
        assert tech1.post(f"/jobs/{mine}/notes", data={"note": note}).status_code == 302
    page = tech1.get(f"/jobs/{mine}").get_data(as_text=True)
    assert _file_links(page) == []
    assert f"jobs/{theirs}/photos" in page  # shown as the plain text the user typed
    assert "No photos yet." in page


def test_guessed_and_written_signature_keys_give_nothing(app, login, admin, jobs, emulator):
    mine, theirs = jobs
    tech2 = _as(app, login, "tech2")
    response = tech2.post(f"/api/jobs/{theirs}/signature", json={"image": data_url(make_png())})
    assert response.status_code == 200
    theirs_ref = admin.order(theirs)["x_signature_url"]

    # tech1 writes tech2's signature (and an old-style guessable key) into their own job, through
    # Odoo directly, and types them in a note.
    api = OdooAPI(emulator.url, "fieldkit")
    api.authenticate("tech1", "tech1")
    guessed = f"local://signatures/fsm_{theirs}_20261123T120000000000Z.png"
    for value in (theirs_ref, theirs_ref.rpartition("#")[0], guessed):
        api.write("fsm.order", [mine], {"x_signature_url": value})
        tech1 = _as(app, login, "tech1")
        tech1.post(f"/jobs/{mine}/notes", data={"note": f"fieldkit-signature: {value}"})
        page = tech1.get(f"/jobs/{mine}").get_data(as_text=True)
        assert _file_links(page) == [], value
        assert "data-signature-image" not in page


def test_own_files_and_old_untagged_references_still_show(app, login, admin, jobs):
    """Photos stored before tags existed (an untagged reference under the job's own folder) stay
    visible; an untagged reference to another job's folder does not."""
    mine, theirs = jobs
    tech1 = _as(app, login, "tech1")
    upload = {"photos": [(io.BytesIO(JPEG), "a.jpg")]}
    assert tech1.post(f"/jobs/{mine}/photos", data=upload).status_code == 302
    (bound,) = _note_lines(admin, mine, "photo")
    with app.app_context():
        storage = get_storage()
        old_key = f"jobs/{mine}/photos/{'0' * 32}/old.jpg"
        storage.put_object(old_key, JPEG, "image/jpeg")
        other_key = f"jobs/{theirs}/photos/{'1' * 32}/old.jpg"
        storage.put_object(other_key, JPEG, "image/jpeg")
    for key in (old_key, other_key):
        tech1.post(f"/jobs/{mine}/notes", data={"note": f"fieldkit-photo: local://{key}"})
    links = _file_links(tech1.get(f"/jobs/{mine}").get_data(as_text=True))
    assert any(f"/files/jobs/{mine}/photos/{'0' * 32}/old.jpg" in u for u in links)
    assert not any(f"/jobs/{theirs}/" in u for u in links)
    assert len([u for u in links if f"/files/jobs/{mine}/photos/" in u]) >= 2

    app.config["MEDIA_ACCEPT_UNTAGGED"] = False
    links = _file_links(tech1.get(f"/jobs/{mine}").get_data(as_text=True))
    assert not any("old.jpg" in u for u in links) and any("a.jpg" in u for u in links)
    assert bound  # the tagged one is unaffected


def test_tags_are_bound_to_model_record_and_key(app):
    with app.app_context():
        rec = media.record("fsm.order", 7)
        ref = "local://jobs/7/photos/abc/x.jpg"
        bound = media.bind(rec, ref)
        assert bound.startswith(ref + "#") and len(bound.rpartition("#")[2]) == 24
        assert media.tag(media.record("fsm.order", 8), ref) != media.tag(rec, ref)
        assert media.tag(media.record("sale.order", 7), ref) != media.tag(rec, ref)
        app.config["MEDIA_SIGNING_KEY"] = "another key"
        assert media.bind(rec, ref) != bound  # a guessed key gives another tag


def test_collect_links_bound_lines_and_leaves_the_rest_as_text(app):
    with app.app_context():
        storage = get_storage()
        rec = media.record("sale.order", 3)
        good = media.bind(rec, "local://quotes/3/photos/a/x.jpg")
        video = media.bind(rec, "local://quotes/3/videos/b/v.mp4")
        foreign = media.bind(media.record("sale.order", 4), "local://quotes/4/photos/c/y.jpg")
        body = (
            f"<p>2 files added</p><p>fieldkit-photo: {good}</p><p>fieldkit-video: {video}</p>"
            f"<p>fieldkit-photo: {foreign}</p>"
        )
        messages = chatter.normalize_messages(
            [{"id": 1, "date": "2026-11-23 08:00:00", "body": body, "author_id": [5, "Ann"]}]
        )
        found = media.collect(messages, rec, storage)
    assert [p["url"].split("?")[0] for p in found["photos"]] == ["/files/quotes/3/photos/a/x.jpg"]
    assert found["videos"][0]["content_type"] == "video/mp4"
    body = str(messages[0]["body"])
    assert good not in body and video not in body and foreign in body
    assert [m["kind"] for m in messages[0]["media"]] == ["photo", "video"]
