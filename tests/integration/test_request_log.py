"""The request id (X-Request-Id in, out and to Odoo), one line per request and per Odoo call,
and LOG_FORMAT=json."""
import json
import logging
import re

from app.odoo import client as odoo_client
from app.platform.request_log import JsonFormatter


def lines(caplog, logger):
    return [record for record in caplog.records if record.name == logger]


def test_a_request_gets_an_id_that_odoo_and_the_logs_see(client, caplog, monkeypatch, fresh):
    sent = []
    http = odoo_client.http_session()
    real_post = http.post

    def spy(url, **kwargs):
        sent.append((url, dict(kwargs.get("headers") or {})))
        return real_post(url, **kwargs)
    monkeypatch.setattr(http, "post", spy)
    caplog.set_level(logging.INFO)
    response = client.post("/login", data={"login": "tech1", "password": "tech1"},
                           headers={"X-Request-Id": "lb-7f3a9c2e-0001"})
    assert response.status_code == 302
    assert response.headers["X-Request-Id"] == "lb-7f3a9c2e-0001"
    assert sent and all(headers.get("X-Request-Id") == "lb-7f3a9c2e-0001"
                        for _, headers in sent)
    request_lines = [r.getMessage() for r in lines(caplog, "fieldkit.request")]
    assert any(line.startswith("POST /login 302 ") and line.endswith(" id=lb-7f3a9c2e-0001")
               for line in request_lines), request_lines
    odoo_lines = [r.getMessage() for r in lines(caplog, "fieldkit.odoo")]
    assert len(odoo_lines) == len(sent)
    assert any(line.startswith("odoo /web/session/authenticate ") for line in odoo_lines)
    assert all(line.endswith("id=lb-7f3a9c2e-0001") for line in odoo_lines)
    assert not any("tech1" in line for line in odoo_lines)  # never the arguments


def test_an_unlikely_incoming_id_is_replaced(client):
    response = client.get("/login", headers={"X-Request-Id": "no spaces <script>"})
    assert re.fullmatch(r"[0-9a-f]{32}", response.headers["X-Request-Id"])
    other = client.get("/login")
    assert other.headers["X-Request-Id"] != response.headers["X-Request-Id"]


def test_parallel_reads_carry_the_request_id(client, login, caplog, fresh):
    login(client, "tech1")
    caplog.set_level(logging.INFO)
    response = client.get("/jobs/active", headers={"X-Request-Id": "page-view-000042"})
    assert response.status_code == 200
    odoo_lines = lines(caplog, "fieldkit.odoo")
    assert len(odoo_lines) >= 2  # the list's calls go out together, in pool threads
    assert all(r.fields["request_id"] == "page-view-000042" for r in odoo_lines)


def test_server_timing_gives_the_request_threads_cpu_time(client, login, fresh):
    """Server-Timing's cpu: the request thread's own CPU time, so that a load run can tell the
    app's work from its wait for a CPU or the interpreter lock (app - odoo - cpu)."""
    login(client, "tech1")
    timing = client.get("/jobs/active").headers["Server-Timing"]
    app_ms = float(re.search(r"app;dur=([\d.]+)", timing).group(1))
    cpu_ms = float(re.search(r"cpu;dur=([\d.]+)", timing).group(1))
    assert 0 < cpu_ms <= app_ms + 1  # thread time ticks coarser than the wall clock


def test_json_lines_carry_the_fields(client, caplog, login, fresh):
    caplog.set_level(logging.INFO)
    login(client, "tech1")
    client.get("/jobs/active", headers={"X-Request-Id": "json-line-00000001"})
    formatter = JsonFormatter()
    request_line = json.loads(formatter.format(next(
        r for r in lines(caplog, "fieldkit.request") if "json-line-00000001" in r.getMessage())))
    assert request_line["request_id"] == "json-line-00000001"
    assert request_line["endpoint"] == "jobs.active"
    assert request_line["status"] == 200 and request_line["rpc"] >= 1
    assert request_line["level"] == "INFO" and request_line["logger"] == "fieldkit.request"
    odoo_line = json.loads(formatter.format(next(
        r for r in lines(caplog, "fieldkit.odoo")
        # the list's read (a cold stage cache adds fsm.stage's to the same round trip)
        if r.fields["request_id"] == "json-line-00000001" and r.fields["model"] == "fsm.order")))
    assert odoo_line["odoo_method"].endswith("search_read") and odoo_line["outcome"] == "ok"
    assert isinstance(odoo_line["ms"], float)


def test_log_format_json_configures_the_root_handler(monkeypatch):
    from app.platform import request_log

    root = logging.getLogger()
    monkeypatch.setattr(root, "level", root.level)
    monkeypatch.setattr(root, "handlers", [])
    request_log.configure("INFO", "json")
    assert isinstance(root.handlers[0].formatter, JsonFormatter)
    monkeypatch.setattr(root, "handlers", [])
    request_log.configure("INFO", "text")
    assert not isinstance(root.handlers[0].formatter, JsonFormatter)
