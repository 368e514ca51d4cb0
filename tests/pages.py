"""What the page tests and the page benches (bench/routes.py, bench/languages.py) share: the demo
records their URLs open, and a worker's restart simulated in one process."""
import gc

from app.odoo.client import OdooAPI
from app.platform.ttl_cache import TTLCache


def demo_records(odoo_url, app):
    """Demo records the pages open: tech1's first open job, its customer, a lead, a quote, a
    transfer of tech1 and an asset of the app's asset model (0 when there is none)."""
    from app.services import assets

    admin = OdooAPI(odoo_url, "fieldkit")
    admin.authenticate("admin", "admin")

    def first(model, domain=()):
        found = admin.search_read(model, list(domain), ["id"], limit=1, order="id")
        return found[0]["id"] if found else 0

    tech = admin.search_read("res.users", [("login", "=", "tech1")], ["partner_id"])[0]
    job = admin.search_read("fsm.order", [("person_id.partner_id", "=", tech["partner_id"][0]),
                                          ("is_closed", "=", False)],
                            ["location_id"], limit=1, order="id")[0]
    owner = admin.read("fsm.location", [job["location_id"][0]], ["owner_id"])[0]["owner_id"]
    with app.app_context():
        asset_model = assets.get_mapping().model
    return {"job": job["id"], "customer": owner[0], "lead": first("crm.lead"),
            "quote": first("sale.order"), "asset": first(asset_model),
            "transfer": first("stock.picking", [("user_id", "=", tech["id"])])}


def forget_process_caches():
    """What a new worker process does not have: every TTLCache's values, the login, integration
    and phone-region caches (the shared store is left as it is)."""
    from app.odoo import integration
    from app.services import auth, sms

    for obj in gc.get_objects():
        if isinstance(obj, TTLCache):
            obj.clear()
    auth._xmlid_cache.clear()
    auth._database_cache.clear()
    integration._sessions.clear()
    sms._region_cache.clear()
