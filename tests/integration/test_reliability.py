"""Reliability round 2 (issue 25): forms shown again with what was typed never 500."""
import pytest


@pytest.fixture
def office(client, login, fresh):
    login(client, "manager")
    return client


@pytest.mark.parametrize("url, data", [
    ("/crm/new", {"name": "", "job_id": "abc"}),
    ("/sales/new", {"partner_id": "", "job_id": "abc", "job_name": "J"}),
    ("/crm/new", {"name": "", "job_id": "\u00b2"}),
])
def test_a_job_id_that_is_not_a_number_shows_the_form_again(office, url, data):
    response = office.post(url, data=data)
    assert response.status_code in (400, 422), response.status_code
    assert "/jobs/abc" not in response.get_data(as_text=True)
