"""app.js in Chromium: confirm dialogs, one submit per tap, fetchJSON with the CSRF header."""
import pytest
from flask import Blueprint, jsonify, render_template_string, request

pytestmark = pytest.mark.browser

PAGE = """{% extends "base.html" %}{% import "_macros/ui.html" as ui %}
{% block title %}JS probe{% endblock %}
{% block content %}{{ ui.post_button("/js-probe/done", "Delete", "danger", confirm="Delete it?") }}
{% endblock %}"""


@pytest.fixture
def app(app):
    probe = Blueprint("js_probe", __name__)
    probe.add_url_rule("/js-probe", "page", lambda: render_template_string(PAGE))
    probe.add_url_rule("/js-probe/done", "done", lambda: "done", methods=["POST"])
    probe.add_url_rule("/api/js-probe", "api", methods=["POST"], view_func=lambda: jsonify(
        success=True, got=request.get_json()["value"]))
    probe.add_url_rule("/api/js-probe-refused", "refused", methods=["POST"],
                       view_func=lambda: (jsonify(success=False, error="Not today"), 422))
    app.register_blueprint(probe)
    return app


def test_confirm_dialog_guards_the_form(live_server, page):
    page.goto(f"{live_server}/js-probe")
    questions = []

    def answer(dialog, accept):
        questions.append(dialog.message)
        dialog.accept() if accept else dialog.dismiss()

    page.once("dialog", lambda dialog: answer(dialog, False))
    page.get_by_role("button", name="Delete").click()
    page.wait_for_timeout(300)
    assert page.url.endswith("/js-probe") and questions == ["Delete it?"]

    page.once("dialog", lambda dialog: answer(dialog, True))
    with page.expect_navigation():
        page.get_by_role("button", name="Delete").click()
    assert page.content().count("done") == 1


def test_fetch_json_sends_the_csrf_token(live_server, page):
    page.goto(f"{live_server}/js-probe")
    result = page.evaluate(
        "fieldkit.fetchJSON('/api/js-probe', {method: 'POST', body: {value: 42}})")
    assert result == {"success": True, "got": 42}


def test_fetch_json_rejects_with_the_message_for_people(live_server, page):
    page.goto(f"{live_server}/js-probe")
    message = page.evaluate("""fieldkit.fetchJSON('/api/js-probe-refused', {method: 'POST'})
        .then(() => 'resolved', (error) => error.status + ' ' + error.message)""")
    assert message == "422 Not today"


def test_without_the_token_the_server_refuses(live_server, page):
    page.goto(f"{live_server}/js-probe")
    status = page.evaluate("""fetch('/api/js-probe', {method: 'POST',
        headers: {'Content-Type': 'application/json'}, body: '{"value": 1}'})
        .then((response) => response.status)""")
    assert status == 400
