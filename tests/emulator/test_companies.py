"""Multi-company record rules as Odoo applies them (recorded in odoo-recordings-more s_co_*):
`allowed_company_ids` in the context restricts records to those companies, without it every
company of the user applies, an id outside the user's companies is refused; new records go to
the first allowed company; the session info lists the user's companies."""
import pytest

WEST = "Fieldkit Services West"
UNAUTHORIZED = "Access to unauthorized or invalid companies."


def west_id(client):
    return client.ok("res.company", "search", [["name", "=", WEST]])[0]


def ctx(*ids):
    return {"context": {"allowed_company_ids": list(ids)}}


@pytest.mark.parametrize("version", [16, 18])
def test_orders_follow_the_allowed_companies(emulators, client_for, version):
    office = client_for(emulators(version), "office2co")
    west = west_id(office)
    everything = office.ok("fsm.order", "search_count", [])
    main = office.ok("fsm.order", "search_count", [], **ctx(1))
    only_west = office.ok("fsm.order", "search_read", [], ["company_id"], **ctx(west))
    assert len(only_west) == 6 and {r["company_id"][1] for r in only_west} == {WEST}
    assert everything == main + 6  # no context: all the user's companies
    assert office.ok("fsm.order", "search_count", [], **ctx(west, 1)) == everything
    # A one-company office user never sees the second company's orders, whatever it asks.
    plain = client_for(emulators(version), "office")
    assert plain.ok("fsm.order", "search_count", []) == main
    refused = plain.call("fsm.order", "search_count", [], **ctx(1, west))
    assert refused["error"]["data"]["name"] == "odoo.exceptions.AccessError"
    assert refused["error"]["data"]["message"] == UNAUTHORIZED


@pytest.mark.parametrize("version", [16, 18, 19])
def test_reading_another_companys_record(emulators, client_for, version):
    office = client_for(emulators(version), "office2co")
    west = west_id(office)
    partner = office.ok("res.partner", "search", [["name", "=", "Aspen Ridge Lodge"]])[0]
    row = office.ok("res.partner", "read", [partner], ["name", "company_id"])[0]
    assert row["company_id"] == [west, WEST]
    body = office.call("res.partner", "read", [partner], ["name"], **ctx(1))
    data = body["error"]["data"]
    assert data["name"] == "odoo.exceptions.AccessError"
    if version >= 18:  # names the company to switch to (s_co_read_other_company_main_only)
        assert data["message"].endswith("by switching to the company: Fieldkit Services West.")
        assert data["context"] == {"suggested_company": {"id": west, "display_name": WEST}}
    else:
        assert data["message"].startswith("Due to security restrictions") and not data["context"]
    # Searching is silent: the other company's partners are left out.
    assert office.ok("res.partner", "search", [["name", "=", "Aspen Ridge Lodge"]],
                     **ctx(1)) == []
    # Internal users' partners are seen from every company (partner_share = False).
    me = office.ok("res.users", "search_read", [["login", "=", "office2co"]],
                   ["partner_id"])[0]["partner_id"][0]
    tech = client_for(emulators(version), "tech1")
    assert tech.ok("res.partner", "read", [me], ["name"])[0]["name"] == "Opal Ortega"


def test_new_records_go_to_the_first_allowed_company(fresh, client_for):
    office = client_for(fresh, "office2co")
    west = west_id(office)
    pid = office.ok("res.partner", "create", {"name": "Branch customer", "company_id": west},
                    **ctx(1, west))
    assert office.ok("res.partner", "search", [["name", "=", "Branch customer"]], **ctx(1)) == []
    location = office.ok("fsm.location", "search", [], limit=1, **ctx(west))[0]
    order = office.ok("fsm.order", "create", {"location_id": location}, **ctx(west, 1))
    assert office.ok("fsm.order", "read", [order], ["company_id"])[0]["company_id"][0] == west
    other = office.ok("fsm.order", "create", {"location_id": location}, **ctx(1, west))
    assert office.ok("fsm.order", "read", [other], ["company_id"])[0]["company_id"][0] == 1
    # Creating in a company that is not allowed is refused by the rule.
    body = office.call("fsm.order", "create", {"location_id": location, "company_id": west},
                       **ctx(1))
    assert body["error"]["data"]["name"] == "odoo.exceptions.AccessError"
    assert pid


@pytest.mark.parametrize("version", [16, 18, 19])
def test_session_info_lists_the_users_companies(emulators, client_for, version):
    office = client_for(emulators(version), "office2co")
    info = office.post("/web/session/get_session_info").json()["result"]
    companies = info["user_companies"]
    assert companies["current_company"] == 1
    names = {c["name"] for c in companies["allowed_companies"].values()}
    assert names == {"Fieldkit Services Inc.", WEST}
    entry = companies["allowed_companies"][str(west_id(office))]
    assert ("child_ids" in entry) == (version >= 17)
    assert ("currency_id" in entry) == (version >= 19)
    assert ("disallowed_ancestor_companies" in companies) == (version >= 17)
    if version == 16:
        assert info["company_id"] == 1 and info["display_switch_company_menu"] is True
    single = client_for(emulators(version), "tech1")
    info = single.post("/web/session/get_session_info").json()["result"]
    assert list(info["user_companies"]["allowed_companies"]) == ["1"]
