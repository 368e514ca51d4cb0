"""Odoo's "unauthorized or invalid companies" refusal asks for a new login in every language:
Odoo translates the message (here French), its traceback still quotes the English source line."""
from flask import session

from app import create_app
from app.config import TestConfig
from app.errors import handle_access_error
from app.odoo.client import AccessError

DEBUG = ('Traceback (most recent call last):\n  File "/odoo/odoo/api.py", line 557, in companies\n'
         '    raise AccessError(_("Access to unauthorized or invalid companies."))\n'
         'odoo.exceptions.AccessError: Accès à des sociétés non autorisées ou invalides.\n')


def refused(error):
    app = create_app(TestConfig)
    with app.test_request_context("/jobs"):
        session.update(odoo_sid="sid", username="office2co", company_ids=[1, 3])
        response = handle_access_error(error)
        return response, dict(session)


def test_a_translated_companies_refusal_asks_for_a_new_login():
    response, kept = refused(AccessError("Accès à des sociétés non autorisées ou invalides.",
                                         debug=DEBUG))
    assert response.status_code == 302 and "/login" in response.headers["Location"]
    assert "odoo_sid" not in kept and "company_ids" not in kept


def test_another_access_error_is_a_403_and_keeps_the_login():
    response, kept = refused(AccessError("Vous n'avez pas accès à ces enregistrements.",
                                         debug="Traceback ...\nodoo.exceptions.AccessError"))
    assert response.status_code == 403
    assert kept["odoo_sid"] == "sid"
