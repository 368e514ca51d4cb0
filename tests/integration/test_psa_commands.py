"""`flask psa sync-seats` and `flask psa sync-clients` against the emulator and the fake RMM."""
import pytest

from app.odoo.client import OdooAPI


@pytest.fixture(scope="module")
def seats_emulator(emulator_pool):
    """Odoo 17 for the seat tests, which run in file order: the dry run first, then the sync."""
    with emulator_pool.lease(version=17) as handle:
        yield handle


@pytest.fixture
def emu(request, emulator, seats_emulator, make_emulator):
    """The emulator a test asks for (indirect parameter): "seats" (the module's), a version (a
    fresh one) or, by default, the session's (the client sync only adds notes)."""
    which = getattr(request, "param", None)
    if which is None:
        return emulator
    if which == "seats":
        return seats_emulator
    return make_emulator(version=which)


@pytest.fixture
def odoo_url(emu):
    return emu.url


@pytest.fixture
def app(app, emu):
    app.config.update(ODOO_INTEGRATION_LOGIN="integration",
                      ODOO_INTEGRATION_KEY=emu.api_keys["integration"])
    return app


def admin(url):
    odoo = OdooAPI(url, "fieldkit")
    odoo.authenticate("admin", "admin")
    return odoo


def run(app, *args):
    return app.test_cli_runner().invoke(args=["psa", *args])


def seat_lines(odoo):
    seat = odoo.search_read("product.product", [("default_code", "=", "SRV-SEAT")], ["id"])[0]
    subs = odoo.search_read("sale.order", [("is_subscription", "=", True)],
                            ["name", "partner_id", "subscription_state"], order="id")
    lines = odoo.search_read("sale.order.line", [("product_id", "=", seat["id"])],
                             ["order_id", "product_uom_qty"])
    qty = {line["order_id"][0]: line["product_uom_qty"] for line in lines}
    return {s["name"]: (s["partner_id"][0], qty.get(s["id"])) for s in subs}


def active_assets(odoo, partner_id):
    return odoo.search_count("x_client_asset", [("x_partner_id", "=", partner_id),
                                                ("x_status", "=", "active")])


@pytest.mark.parametrize("emu", ["seats"], indirect=True)
def test_dry_run_prints_the_changes_and_writes_nothing(app, emu):
    odoo = admin(emu.url)
    before = seat_lines(odoo)
    result = run(app, "sync-seats", "--dry-run")
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0].split() == ["Subscription", "Customer", "Old", "New", "Action"]
    assert set(lines[1]) <= {"-", " "}
    body = "\n".join(lines[2:])
    assert "S00031" in body and "S00032" in body and "S00033" in body
    assert "S00034" not in body  # churned: not running
    assert "add line" in body
    assert seat_lines(odoo) == before


@pytest.mark.parametrize("emu", ["seats"], indirect=True)
def test_sync_sets_counts_adds_missing_line_and_is_idempotent(app, emu):
    odoo = admin(emu.url)
    # one more decommissioned asset for the first subscription's customer: not counted
    first_customer = seat_lines(odoo)["S00031"][0]
    odoo.create("x_client_asset", {"x_name": "OLD-PC", "x_partner_id": first_customer,
                                   "x_status": "decommissioned"})
    result = run(app, "sync-seats")
    assert result.exit_code == 0, result.output
    assert "3 subscription(s) updated." in result.output
    after = seat_lines(odoo)
    for name in ("S00031", "S00032", "S00033"):
        partner, qty = after[name]
        assert qty == active_assets(odoo, partner), name
    assert after["S00031"][1] == 2  # 3 assets + 1 new, two decommissioned
    assert after["S00034"][1] == 1.0  # churned subscription untouched
    sub = odoo.search_read("sale.order", [("name", "=", "S00031")], ["id"])[0]
    notes = [m["body"] for m in odoo.search_read(
        "mail.message", [("model", "=", "sale.order"), ("res_id", "=", sub["id"])], ["body"])]
    assert any("3 → 2" in body for body in notes)
    sub3 = odoo.search_read("sale.order", [("name", "=", "S00033")], ["id"])[0]
    notes3 = [m["body"] for m in odoo.search_read(
        "mail.message", [("model", "=", "sale.order"), ("res_id", "=", sub3["id"])], ["body"])]
    assert any("no seat line →" in body for body in notes3)

    again = run(app, "sync-seats")
    assert "0 subscription(s) updated." in again.output
    assert run(app, "sync-seats", "--dry-run").output.strip() == "No changes."


@pytest.mark.parametrize("emu", [15], indirect=True)
def test_oca_contracts_on_15(app, emu):
    odoo = admin(emu.url)
    result = run(app, "sync-seats")
    assert result.exit_code == 0, result.output
    assert "subscription(s) updated." in result.output
    seat = odoo.search_read("product.product", [("default_code", "=", "SRV-SEAT")], ["id"])[0]
    contracts = odoo.search_read("contract.contract", [], ["partner_id", "date_end"], order="id")
    lines = odoo.search_read("contract.line", [("product_id", "=", seat["id"])],
                             ["contract_id", "quantity"])
    qty = {line["contract_id"][0]: line["quantity"] for line in lines}
    running = [c for c in contracts if not c["date_end"]]
    assert len(running) == 3
    for contract in running:
        assert qty[contract["id"]] == active_assets(odoo, contract["partner_id"][0])
    assert "0 subscription(s) updated." in run(app, "sync-seats").output


def test_sync_clients_retries_failures_without_duplicates(app, emu):
    from fake_rmm import start_in_thread

    odoo = admin(emu.url)
    companies = odoo.search_read("res.partner", [("is_company", "=", True)], ["name"])
    own = "Fieldkit Services Inc."
    with start_in_thread(token="t0k", organizations=("maple street dental",)) as rmm:
        app.config.update(RMM_API_URL=rmm.url, RMM_API_TOKEN="t0k")
        rmm.fail_next(1, "POST")  # the first creation fails: the RMM is briefly down
        first = run(app, "sync-clients")
        assert first.exit_code == 1
        assert "Failed:" in first.output
        failed_name = first.output.split("Failed: ")[1].split(":")[0]
        partner = next(c for c in companies if c["name"] == failed_name)
        notes = odoo.search_read("mail.message", [("model", "=", "res.partner"),
                                                  ("res_id", "=", partner["id"])], ["body"])
        assert any("could not create this client in the RMM" in n["body"] for n in notes)

        second = run(app, "sync-clients")
        assert second.exit_code == 0, second.output
        third = run(app, "sync-clients")
        assert "0 created" in third.output
        names = [o["Name"].lower() for o in rmm.organizations]
        assert len(names) == len(set(names))  # never duplicated
        expected = {c["name"].lower() for c in companies if c["name"] != own}
        assert set(names) >= expected  # other tests may add companies meanwhile
        posts = [r for r in rmm.requests if r[0] == "POST"]
        assert len(posts) == len(names)  # the pre-existing one was never posted


def test_sync_clients_with_rmm_down_creates_nothing(app, emu):
    from fake_rmm import start_in_thread

    with start_in_thread(token="t0k") as rmm:
        app.config.update(RMM_API_URL=rmm.url, RMM_API_TOKEN="wrong")
        result = run(app, "sync-clients")
        assert result.exit_code == 1
        assert "Invalid credentials" in result.output
        assert rmm.organizations == []


@pytest.mark.parametrize("emu", [16], indirect=True)
def test_subscriptions_on_16_use_stage_category(app, emu):
    odoo = admin(emu.url)
    result = run(app, "sync-seats")
    assert "3 subscription(s) updated." in result.output, result.output
    seat = odoo.search_read("product.product", [("default_code", "=", "SRV-SEAT")], ["id"])[0]
    closed = odoo.search_read("sale.order", [("stage_category", "=", "closed")], ["id"])[0]
    line = odoo.search_read("sale.order.line", [("order_id", "=", closed["id"]),
                                                ("product_id", "=", seat["id"])],
                            ["product_uom_qty"])
    assert line[0]["product_uom_qty"] == 1.0  # a closed subscription is left alone
