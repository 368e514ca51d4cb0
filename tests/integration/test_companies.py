"""Several companies (issue 19, item 4) against the emulator on the 16 and 18 wire formats (19
for its session info): the demo's tech2co and office2co belong to "Fieldkit Services Inc."
(current at login) and "Fieldkit Services West", whose orders (some today, assigned to
tech2co), customers, quote and lead are seeded apart from the main company's."""
import re

import pytest
import requests

from app.services import crm, dispatch, jobs, planning

MAIN, WEST = "Fieldkit Services Inc.", "Fieldkit Services West"


@pytest.fixture(scope="module", params=[16, 18])
def odoo(request, emulator_pool):
    with emulator_pool.lease(version=request.param) as handle:
        yield handle


@pytest.fixture
def client(app, odoo):
    app.config["ODOO_URL"] = odoo.url
    for module in (jobs, dispatch, planning):
        getattr(module, "clear_stage_cache", getattr(module, "clear_caches", None))()
    crm.clear_cache()
    return app.test_client()


def company_ids(client):
    with client.session_transaction() as session:
        return dict(session["companies"]), session["company_ids"]


def west_id(client):
    names, _ = company_ids(client)
    return next(cid for cid, name in names.items() if name == WEST)


def main_id(client):
    names, _ = company_ids(client)
    return next(cid for cid, name in names.items() if name == MAIN)


def rpc(response):
    return int(response.headers["X-Odoo-RPC"].split(";")[0])


def switch(client, *ids, next_url="/jobs/active"):
    data = {"company_id": str(ids[0]), "company_ids": [str(i) for i in ids[1:]],
            "next": next_url}
    return client.post("/company", data=data)


def test_login_keeps_the_companies_and_sends_the_current_one(client, login):
    login(client, "tech2co")
    names, active = company_ids(client)
    assert sorted(names.values()) == [MAIN, WEST]
    assert active == [main_id(client)]
    page = client.get("/jobs/active")
    assert page.status_code == 200
    # The switcher is in the user menu: one radio per company, the current one checked.
    assert 'action="/company"' in page.text and page.text.count('name="company_id"') == 2
    assert re.search(rf'value="{main_id(client)}" checked> <span>{MAIN}', page.text)


def test_technician_switches_and_sees_the_other_companys_jobs(client, login, odoo):
    login(client, "tech2co")
    before = client.get("/jobs/active").text
    assert "Aspen Ridge Lodge" not in before and "Mile High Dental" not in before
    warm_before = rpc(client.get("/jobs/active"))
    done = switch(client, west_id(client))
    assert done.status_code == 302 and done.headers["Location"].endswith("/jobs/active")
    assert rpc(done) == 0  # the companies came with the login: a switch asks Odoo nothing
    assert company_ids(client)[1] == [west_id(client)]
    page = client.get("/jobs/active")
    assert page.status_code == 200
    assert "Aspen Ridge Lodge" in page.text and "Front Range Brewing" in page.text
    assert f"Now working in {WEST}." in page.text
    # One company active: the cards do not name it; switching costs no extra Odoo call.
    assert "job-card__company" not in page.text
    assert rpc(client.get("/jobs/active")) == warm_before


def test_office_sees_one_company_then_the_other_then_both_named(client, login):
    login(client, "office2co")
    client.get("/jobs")
    warm = rpc(client.get("/jobs"))
    main_page = client.get("/jobs?q=Aspen")
    assert main_page.status_code == 200 and "No jobs yet." in main_page.text \
        or "Nothing matches." in main_page.text
    switch(client, west_id(client), next_url="/jobs")
    west_page = client.get("/jobs?q=Aspen")
    assert "Aspen Ridge Lodge" in west_page.text and ">Company<" not in west_page.text
    other = client.get("/jobs?q=Front+Range")
    assert "Front Range Brewing" in other.text
    # Both active, the main one current: the table gains a Company column, read in the same
    # call as the orders (the RPC count stays that of one company).
    switch(client, main_id(client), west_id(client), next_url="/jobs")
    assert company_ids(client)[1] == [main_id(client), west_id(client)]
    client.get("/jobs")  # warm the per-company caches (stages, technicians)
    both = client.get("/jobs")
    assert both.status_code == 200 and ">Company<" in both.text
    assert f'data-label="Company" class="">{WEST}' in both.text \
        or f"data-label=\"Company\" class=\"\">{MAIN}" in both.text
    assert rpc(both) == warm
    aspen = client.get("/jobs?q=Aspen")
    assert "Aspen Ridge Lodge" in aspen.text and WEST in aspen.text


def test_lists_name_the_company_when_both_are_active(client, login):
    login(client, "office2co")
    switch(client, main_id(client), west_id(client), next_url="/sales")
    sales = client.get("/sales?q=Aspen")
    assert sales.status_code == 200 and "Aspen Ridge Lodge" in sales.text
    assert ">Company<" in sales.text and WEST in sales.text
    pipeline = client.get("/crm")
    assert pipeline.status_code == 200 and "Walk-in cooler service" in pipeline.text
    assert f'crm-card__company">{WEST}' in pipeline.text
    customers = client.get("/customers?q=Mile+High")
    assert customers.status_code == 200 and "Mile High Dental" in customers.text
    assert WEST in customers.text
    board = client.get("/jobs/board")
    assert board.status_code == 200 and f"Unassigned · {WEST}" in board.text
    plan = client.get("/dispatch")
    assert plan.status_code == 200 and f"Denver · {WEST}" in plan.text
    # One company again: no company named anywhere, the other company's records gone.
    switch(client, main_id(client), next_url="/sales")
    sales = client.get("/sales?q=Aspen")
    assert "Aspen Ridge Lodge" not in sales.text and ">Company<" not in sales.text
    assert "Mile High Dental" not in client.get("/customers?q=Mile+High").text


def test_a_forged_company_is_refused_with_a_clear_message(client, login):
    login(client, "tech2co")
    refused = switch(client, 999)
    assert refused.status_code == 422
    assert "That company is not one of yours" in refused.text
    assert company_ids(client)[1] == [main_id(client)]  # nothing changed
    assert switch(client, "west").status_code == 422
    assert switch(client, main_id(client), 999).status_code == 422
    # An outside redirect target is not followed.
    done = client.post("/company", data={"company_id": str(west_id(client)),
                                         "next": "https://evil.example.com/"})
    assert done.status_code == 302 and "evil" not in done.headers["Location"]


def admin_call(odoo, model, method, *args):
    http = requests.Session()
    http.post(f"{odoo.url}/web/session/authenticate", timeout=10, json={
        "jsonrpc": "2.0", "method": "call",
        "params": {"db": "fieldkit", "login": "admin", "password": "admin"}})
    answer = http.post(f"{odoo.url}/web/dataset/call_kw", timeout=10, json={
        "jsonrpc": "2.0", "method": "call",
        "params": {"model": model, "method": method, "args": list(args), "kwargs": {}}}).json()
    assert "error" not in answer, answer
    return answer["result"]


def test_a_company_taken_away_in_odoo_asks_for_a_new_login(client, login, odoo):
    login(client, "office2co")
    west = west_id(client)
    switch(client, west, next_url="/jobs")
    uid = admin_call(odoo, "res.users", "search", [["login", "=", "office2co"]])[0]
    admin_call(odoo, "res.users", "write", [uid], {"company_ids": [[3, west]]})
    try:
        page = client.get("/jobs")
        assert page.status_code == 302 and "/login" in page.headers["Location"]
        login(client, "office2co")
        names, active = company_ids(client)
        assert list(names.values()) == [MAIN] and active == [main_id(client)]
        assert 'action="/company"' not in client.get("/jobs").text
    finally:
        admin_call(odoo, "res.users", "write", [uid], {"company_ids": [[4, west]]})


def test_switch_needs_the_csrf_token(client, login):
    login(client, "tech2co")
    refused = client.post("/company", data={"company_id": str(west_id(client))}, csrf=False)
    assert refused.status_code == 400
    assert company_ids(client)[1] == [main_id(client)]


def test_a_one_company_user_sees_no_switcher(client, login):
    login(client, "tech1")
    page = client.get("/jobs/active")
    assert page.status_code == 200 and 'action="/company"' not in page.text
    assert client.get("/company").status_code == 302
    assert switch(client, 2).status_code == 422
    # Their one company is a valid (if useless) choice.
    assert switch(client, main_id(client)).status_code == 302


def test_session_info_of_19_lists_both_companies(app, login, make_emulator):
    app.config["ODOO_URL"] = make_emulator(version=19).url
    client = app.test_client()
    login(client, "office2co")
    names, active = company_ids(client)
    assert sorted(names.values()) == [MAIN, WEST] and active == [main_id(client)]
    switch(client, west_id(client), next_url="/jobs")
    page = client.get("/jobs?q=Aspen")
    assert page.status_code == 200 and "Aspen Ridge Lodge" in page.text
