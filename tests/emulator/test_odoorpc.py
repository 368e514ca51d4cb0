"""The odoorpc package from PyPI, unchanged, against the emulator on 15 and 17."""

import odoorpc
import pytest


@pytest.mark.parametrize("version", [15, 17])
def test_odoorpc_flow(emulators, version):
    h = emulators(version)
    odoo = odoorpc.ODOO("127.0.0.1", port=h.port)
    odoo.login("fieldkit", "admin", "admin")
    Order = odoo.env["fsm.order"]
    ids = Order.search([], limit=3)
    assert len(ids) == 3
    rec = Order.browse(ids[0])
    assert rec.name.startswith("FO") and rec.stage_id.name
    rec.description = "via odoorpc"
    assert Order.read([ids[0]], ["description"])[0]["description"] == "via odoorpc"
    loc = odoo.env["fsm.location"].search([], limit=1)[0]
    new = Order.create({"location_id": loc})
    assert isinstance(new, int)
    Order.browse(new).unlink()
    assert not Order.search([["id", "=", new]])
    assert odoo.env.ref("fieldservice.fsm_stage_completed").name == "Completed"
    with pytest.raises(odoorpc.error.RPCError):
        odoo.login("fieldkit", "admin", "bad")
    odoo.login("fieldkit", "tech1", "tech1")
    admin_ids = odoo.execute("res.users", "search", [["login", "=", "tech2"]])
    assert admin_ids
    with pytest.raises(odoorpc.error.RPCError) as info:
        odoo.execute("sale.order", "unlink", [1])
    assert "AccessError" in str(info.value.info) or "not allowed" in str(info.value)
