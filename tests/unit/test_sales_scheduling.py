"""Schedule the work (app/services/sales/scheduling.py) where OCA fieldservice_sale is installed:
the job carries the order (sale_id) at the order's own location, and an order already scheduled
opens its job instead of a second one. (Without the add-on: tests/integration/test_sales.py.)"""
from app.odoo.client import OdooCall
from app.services.sales import common, scheduling
from app.services.sales.common import ModelInfo, SalesViewer

INFO = ModelInfo(states={"draft": "Quotation", "sale": "Sales Order"},
                 order_fields=frozenset({"name", "state", "partner_id"}),
                 line_fields=frozenset({"product_id", "name", "product_uom_qty",
                                        "display_type"}),
                 tax_field="tax_id", uom_field="product_uom")


class FakeOdoo:
    base_url, db = "http://odoo.test", "fk"

    def __init__(self, jobs=()):
        self.jobs = list(jobs)
        self.created = []

    def call(self, model, method, *args, **kwargs):
        assert (model, method) == ("fsm.order", "fields_get")
        return {"sale_id": {"type": "many2one"}}

    def parallel(self, calls):
        out = []
        for c in calls:
            assert isinstance(c, OdooCall)
            model = c.args[0]
            if model == "sale.order":
                assert "fsm_location_id" in c.args[-1]
                out.append([{"id": 7, "name": "S00007", "state": "sale",
                             "partner_id": [3, "Acme"], "partner_shipping_id": [3, "Acme"],
                             "fsm_location_id": [11, "Acme Plant"]}])
            elif model == "sale.order.line":
                out.append([{"product_id": [1, "Filter"], "name": "Air filter",
                             "product_uom_qty": 2.0, "display_type": False},
                            {"name": "Section", "display_type": "line_section"}])
            else:
                assert c.args[1] == [("sale_id", "=", 7)]
                out.append(self.jobs)
        return out

    def search_read(self, *args, **kwargs):
        raise AssertionError("the order's own location is used")

    def create(self, model, vals):
        self.created.append((model, vals))
        return 40

    def read(self, model, ids, fields):
        return [{"id": 40, "name": "FO040"}]

    def message_post(self, *args, **kwargs):
        return 1


def viewer(role="office"):
    return SalesViewer(user_id=2, partner_id=3, role=role, tz="UTC", version=18,
                       sales_access="all")


def setup_function():
    common.clear_caches()
    common._info_cache.put(common._info_key(FakeOdoo()), INFO)


def test_with_fieldservice_sale_the_job_carries_the_order():
    odoo = FakeOdoo()
    out = scheduling.schedule_work(odoo, viewer(), 7)
    assert out["job_id"] == 40 and not out["existing"]
    [(model, vals)] = odoo.created
    assert model == "fsm.order" and vals["sale_id"] == 7 and vals["location_id"] == 11
    assert vals["description"] == ("<p>Work from sales order S00007:</p>"
                                   "<ul><li>2 × Air filter</li></ul>")
    assert "Acme Plant" in out["message"]


def test_an_order_already_scheduled_opens_its_job():
    odoo = FakeOdoo(jobs=[{"id": 33, "name": "FO033"}])
    out = scheduling.schedule_work(odoo, viewer(), 7)
    assert out == {"job_id": 33, "existing": True,
                   "message": "S00007 is already scheduled as job FO033."}
    assert odoo.created == []


def test_descriptions_are_text_up_to_17():
    lines = [{"product_uom_qty": 1.5, "name": "Labour"}]
    assert scheduling.job_description("S1", lines, 17) == \
        "Work from sales order S1:\n- 1.5 × Labour"
