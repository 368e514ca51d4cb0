"""Logged-in pages answer 304 while what they show is unchanged (app/pwa.py revalidate_page),
which is what keeps a repeat visit of /jobs/active and its offline job pages small."""
import re

import pytest

from app.services import jobs as jobs_service


@pytest.fixture
def tech1(client, login, emulator):
    emulator.reset()
    jobs_service.clear_stage_cache()
    login(client, "tech1")
    return client


def settled_etag(client, url):
    """The validator of `url` once the session has stopped changing (flashes shown, ...)."""
    for _ in range(3):
        response = client.get(url)
        assert response.status_code == 200
        if "ETag" in response.headers:
            return response.headers["ETag"]
    raise AssertionError(f"no ETag on {url}")


def test_unchanged_job_pages_answer_304(tech1):
    listing = tech1.get("/jobs/active").get_data(as_text=True)
    job = re.search(r'href="(/jobs/\d+)"', listing).group(1)
    for url in ("/jobs/active", job):
        etag = settled_etag(tech1, url)
        response = tech1.get(url, headers={"If-None-Match": etag})
        assert response.status_code == 304, url


def test_a_change_in_odoo_changes_the_validator(tech1):
    listing = tech1.get("/jobs/active").get_data(as_text=True)
    job = re.search(r'href="(/jobs/\d+)"', listing).group(1)
    before = settled_etag(tech1, job)
    assert tech1.post(f"{job}/notes", data={"note": "Checked the valve"}).status_code == 302
    after = settled_etag(tech1, job)
    assert after != before
    response = tech1.get(job, headers={"If-None-Match": before})
    assert response.status_code == 200 and "Checked the valve" in response.get_data(as_text=True)
