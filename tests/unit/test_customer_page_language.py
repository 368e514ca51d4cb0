"""The customer's visit page speaks the reader's language (issue 29): the status answer a poll
keeps for the next ones holds words (the status, the window, the arrival time), so it is kept per
language, and the arrival is one translatable sentence."""
from app.platform import i18n
from app.services import customer_links


class Store:
    def __init__(self):
        self.values = {}

    def get(self, key):
        return self.values.get(key)

    def set(self, key, value, seconds=None):
        self.values[key] = value


def test_the_kept_status_is_served_only_in_the_language_it_was_written_in(app):
    store, record = Store(), {"id": "abc"}
    with app.test_request_context():
        with i18n.force_locale("fr"):
            customer_links.keep_status(store, record, {"status": "scheduled", "label": "Prévu"})
            assert customer_links.cached_status(store, record)["label"] == "Prévu"
        with i18n.force_locale("de"):
            assert customer_links.cached_status(store, record) is None


def test_the_arrival_is_a_whole_sentence(app, monkeypatch):
    class Viewer:
        tz = "UTC"
    job = {"id": 1, "name": "FO-1", "stage_id": False, "date_start": False}
    record = {"eta_at": 4102444800}   # far ahead
    with app.test_request_context():
        data = customer_links.page_data(None, Viewer(), record, job, {}, None)["job"]
        assert data["status"] == "scheduled" and data["arriving"] == ""
        monkeypatch.setattr(customer_links, "status_of", lambda job, stages: "enroute")
        data = customer_links.page_data(None, Viewer(), record, job, {}, None)["job"]
    assert data["arriving"].startswith("Arriving around ") and data["eta"].startswith("around ")
