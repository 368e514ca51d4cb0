"""crm.lead as the recorded 16/18/19 servers answer (tests/fixtures/odoo-recordings-more s_crm_*):
the lost wizard per version, restore, won, stage probability, activities and read_group sums."""

import pytest

VERSIONS = (16, 18, 19)


@pytest.fixture(scope="module", params=VERSIONS)
def crm_server(request, emulator_pool):
    with emulator_pool.lease(version=request.param, today="2026-03-10") as handle:
        yield handle


@pytest.fixture
def crm(crm_server, client_for):
    client = client_for(crm_server, "office")
    client.version = crm_server.version
    return client


def _new_lead(c, **vals):
    return c.ok("crm.lead", "create", {"name": "Second building", "type": "opportunity",
                                       "expected_revenue": 800, **vals})


def test_lost_wizard_reads_active_ids_in_16_and_lead_ids_after(crm):
    lead = _new_lead(crm)
    ctx = {"active_model": "crm.lead", "active_id": lead, "active_ids": [lead]}
    vals = {"lost_reason_id": 1, "lost_feedback": "<p>Went with a competitor</p>"}
    if crm.version >= 17:
        vals["lead_ids"] = [[6, 0, [lead]]]
    wizard = crm.ok("crm.lead.lost", "create", vals, context=ctx)
    body = crm.call("crm.lead.lost", "action_lost_reason_apply", [wizard], context=ctx)
    assert "error" not in body and "result" not in body  # returns nothing: no result key
    row = crm.ok("crm.lead", "read", [lead], ["active", "probability", "lost_reason_id"],
                 context={"active_test": False})[0]
    assert row["active"] is False and row["probability"] == 0.0
    assert row["lost_reason_id"][0] == 1
    assert not crm.ok("crm.lead", "search", [["id", "=", lead]])  # archived


def test_lead_ids_is_unknown_to_the_16_wizard(crm):
    lead = _new_lead(crm)
    body = crm.call("crm.lead.lost", "create", {"lost_reason_id": 1, "lead_ids": [[6, 0, [lead]]]})
    if crm.version >= 17:
        assert "error" not in body
    else:
        assert body["error"]["data"]["name"] == "builtins.ValueError"


def test_17_wizard_without_lead_ids_loses_nothing(crm):
    if crm.version < 17:
        pytest.skip("16 reads active_ids")
    lead = _new_lead(crm)
    ctx = {"active_model": "crm.lead", "active_ids": [lead]}
    wizard = crm.ok("crm.lead.lost", "create", {"lost_reason_id": 1}, context=ctx)
    crm.ok("crm.lead.lost", "action_lost_reason_apply", [wizard], context=ctx)
    assert crm.ok("crm.lead", "read", [lead], ["active"])[0]["active"] is True


def test_restore_clears_the_reason_and_recomputes_probability(crm):
    lead = _new_lead(crm, probability=30)
    assert "result" not in crm.call("crm.lead", "action_set_lost", [lead], lost_reason_id=1)
    assert "result" not in crm.call("crm.lead", "action_unarchive", [lead])
    row = crm.ok("crm.lead", "read", [lead], ["active", "probability", "lost_reason_id"])[0]
    assert row["active"] is True and row["lost_reason_id"] is False and row["probability"] > 0
    assert "result" not in crm.call("crm.lead", "toggle_active", [lead])
    assert crm.ok("crm.lead", "read", [lead], ["active"],
                  context={"active_test": False})[0]["active"] is False


def test_won_moves_to_the_won_stage_at_100(crm):
    lead = _new_lead(crm)
    assert crm.ok("crm.lead", "action_set_won", [lead]) is True
    row = crm.ok("crm.lead", "read", [lead], ["stage_id", "probability"])[0]
    assert row["stage_id"][1] == "Won" and row["probability"] == 100.0
    crm.ok("crm.lead", "write", [lead], {"stage_id": 1})
    assert crm.ok("crm.lead", "read", [lead], ["probability"])[0]["probability"] < 100


def test_activity_schedule_repr_then_ids_in_19_and_feedback(crm):
    lead = _new_lead(crm)
    result = crm.ok("crm.lead", "activity_schedule", [lead],
                    act_type_xmlid="mail.mail_activity_data_call", summary="Follow up",
                    date_deadline="2026-03-05")
    if crm.version >= 19:
        assert isinstance(result, list) and len(result) == 1
        activity = result[0]
    else:
        assert result.startswith("mail.activity(") and result.endswith(",)")
        activity = int(result[len("mail.activity("):-2])
    row = crm.ok("crm.lead", "read", [lead], ["activity_ids", "activity_state",
                                               "activity_type_id"])[0]
    assert row["activity_ids"] == [activity] and row["activity_state"] == "overdue"
    assert row["activity_type_id"][1] == "Call"
    message = crm.ok("mail.activity", "action_feedback", [activity], feedback="Will sign")
    assert isinstance(message, int)
    fields = ["active"] if crm.version >= 17 else ["summary"]
    kept = crm.ok("mail.activity", "search_read", [["id", "=", activity]], fields=fields,
                  context={"active_test": False})
    assert kept == ([{"id": activity, "active": False}] if crm.version >= 19 else [])
    assert crm.ok("crm.lead", "read", [lead], ["activity_ids"])[0]["activity_ids"] == []


def test_read_group_sums_expected_revenue_per_stage(crm):
    groups = crm.ok("crm.lead", "read_group", [["type", "=", "opportunity"]],
                    ["expected_revenue:sum", "stage_id"], ["stage_id"], orderby="stage_id")
    assert [g["stage_id"][1] for g in groups][:4] == ["New", "Qualified", "Proposition", "Won"]
    rows = crm.ok("crm.lead", "search_read", [["type", "=", "opportunity"]],
                  fields=["stage_id", "expected_revenue"])
    for g in groups:
        mine = [r for r in rows if r["stage_id"] and r["stage_id"][0] == g["stage_id"][0]]
        assert g["stage_id_count"] == len(mine)
        assert g["expected_revenue"] == pytest.approx(sum(r["expected_revenue"] for r in mine))
        assert set(g) >= {"__domain", "__fold"}


def test_15_names_the_reason_lost_reason_and_has_no_closing_note(client_for, make_emulator):
    c = client_for(make_emulator(version=15, today="2026-03-10"), "office")
    lead = _new_lead(c)
    refused = c.call("crm.lead.lost", "create", {"lost_reason_id": 1, "lost_feedback": "x"})
    assert refused["error"]["data"]["name"] == "builtins.ValueError"
    ctx = {"active_model": "crm.lead", "active_ids": [lead]}
    wizard = c.ok("crm.lead.lost", "create", {"lost_reason_id": 1}, context=ctx)
    c.call("crm.lead.lost", "action_lost_reason_apply", [wizard], context=ctx)
    row = c.ok("crm.lead", "read", [lead], ["active", "lost_reason"],
               context={"active_test": False})[0]
    assert row["active"] is False and row["lost_reason"][0] == 1
    bad = c.call("crm.lead", "read", [lead], ["lost_reason_id"])
    assert bad["error"]["data"]["name"] == "builtins.ValueError"
