"""The timer's choice of where the time goes, per OCA add-on (fields_get answers faked), and the
job page's nested read (web_read rows turned back into read's shape)."""
import pytest

from app.services import jobs, timer


class FieldsOdoo:
    """Answers fields_get with the fields each model has; counts the calls."""

    base_url, db = "http://odoo.test", "fake"

    def __init__(self, order_fields=(), line_fields=()):
        self.fields = {"fsm.order": set(order_fields), "account.analytic.line": set(line_fields)}
        self.calls = 0

    def call(self, model, method, names, attributes=None):
        assert method == "fields_get"
        self.calls += 1
        return {name: {"type": "x"} for name in names if name in self.fields[model]}


@pytest.fixture(autouse=True)
def _fresh():
    timer.clear_cache()
    yield
    timer.clear_cache()


@pytest.mark.parametrize("order_fields, line_fields, project, expected", [
    ((), (), False, None),                                                # no add-on: a note
    (("project_id",), (), [3, "P"], {"project_id": 3}),                    # fieldservice_project
    (("project_id", "timesheet_ids"), ("fsm_order_id",), [3, "P"],
     {"project_id": 3, "fsm_order_id": 7}),                                # fieldservice_timesheet
    (("project_id", "timesheet_ids"), ("fsm_order_id",), False, None),    # ... needs a project
    ((), ("fsm_order_id",), False, {"fsm_order_id": 7}),                  # account_analytic
])
def test_line_target(order_fields, line_fields, project, expected):
    odoo = FieldsOdoo(order_fields, line_fields)
    assert timer._line_target(odoo, {"id": 7, "project_id": project}) == expected
    calls = odoo.calls
    timer._line_target(odoo, {"id": 7, "project_id": project})
    assert odoo.calls == calls          # asked once per server, then cached


def test_page_reads_the_lines_only_once_the_addon_is_known():
    odoo = FieldsOdoo(("project_id", "timesheet_ids"), ("fsm_order_id",))
    assert timer.detail_nested(odoo) == {} and odoo.calls == 0     # the page never asks
    timer._order_fields(odoo)                                      # a timer action did
    assert timer.detail_nested(odoo) == {"timesheet_ids": ["unit_amount"]}
    assert timer.logged_hours({"extra": {"timesheet_ids": [{"id": 1, "unit_amount": 0.75},
                                                           {"id": 2, "unit_amount": 0.5}]}}) == 1.25
    assert timer.logged_hours({"extra": {}}) is None


def test_web_rows_become_read_rows():
    nested = {"timesheet_ids": ["unit_amount"]}
    spec = jobs._web_spec(["name", "stage_id", "person_ids"], nested)
    assert spec == {"name": {"fields": {"display_name": {}}},
                    "stage_id": {"fields": {"display_name": {}}}, "person_ids": {},
                    "timesheet_ids": {"fields": {"unit_amount": {}}}}
    row = jobs._from_web({"id": 1, "name": "FO1", "stage_id": {"id": 2, "display_name": "New"},
                          "location_id": False, "person_ids": [4],
                          "equipment_ids": [{"id": 5, "display_name": "Boiler"}],
                          "timesheet_ids": [{"id": 9, "unit_amount": 1.0}]}, nested)
    assert row == {"id": 1, "name": "FO1", "stage_id": [2, "New"], "location_id": False,
                   "person_ids": [4], "equipment_ids": [5],
                   "timesheet_ids": [{"id": 9, "unit_amount": 1.0}]}
