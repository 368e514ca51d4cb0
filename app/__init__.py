"""Fieldkit: a mobile web app for field technicians, over Odoo.

`create_app()` reads as the table of contents of the application.
"""
import contextlib
import importlib
import logging

import jinja2
from flask import Flask, request, url_for
from flask_wtf.csrf import CSRFProtect
from werkzeug.exceptions import HTTPException
from werkzeug.middleware.proxy_fix import ProxyFix

from app import config as config_module
from app.templating import FieldkitEnvironment

csrf = CSRFProtect()

# Blueprints by module under app/routes/, in tab order; parts land independently, so a module
# that does not exist yet is skipped. A module exposes `bp`, or `init_app(app)` when it needs
# more set-up than registering its blueprint.
BLUEPRINTS = ("auth", "jobs", "sales", "crm", "inventory", "customers", "dashboard", "team",
              "dispatch", "links", "customer", "sms", "files", "assets", "webhooks", "api_docs",
              "ops", "invoices")


def create_app(config=None):
    """Build the app. `config`: a config class or object, a mapping of overrides, or None to
    choose by FIELDKIT_ENV."""
    app = Flask(__name__, instance_relative_config=True)
    app.jinja_environment = FieldkitEnvironment  # before anything makes app.jinja_env
    load_config(app, config)
    init_logging(app)
    init_operations(app)
    init_extensions(app)
    init_security(app)
    init_odoo(app)
    init_templates(app)
    init_blueprints(app)
    init_errors(app)
    init_cli(app)
    return app


def load_config(app, config):
    if config is None or isinstance(config, dict):
        app.config.from_object(config_module.config_from_env())
        app.config.from_mapping(config or {})
    else:
        app.config.from_object(config)
    config_module.validate(app.config)
    if app.config["PROXY_COUNT"]:
        count = app.config["PROXY_COUNT"]
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=count, x_proto=count, x_host=count)


def init_logging(app):
    from app.platform import request_log

    request_log.configure(app.config["LOG_LEVEL"], app.config.get("LOG_FORMAT"))
    request_log.init_app(app)


def init_operations(app):
    """Metrics first: their clock starts before any other hook may answer the request."""
    from app.platform import audit, error_tracking, metrics

    metrics.init_app(app)
    error_tracking.init_app(app)
    audit.init_app(app)


def init_extensions(app):
    from app import sessions, signatures, validation

    sessions.init_app(app)
    validation.init_app(app)  # before CSRF: it rejects forms the CSRF check would crash on
    csrf.init_app(app)
    # CSRF runs from our own hook, which skips only views that verify a webhook signature.
    signatures.init_app(app, csrf)
    # After CSRF: a repeated Idempotency-Key gets the first answer, never a second write.
    from app.platform import idempotency

    idempotency.init_app(app)


def init_security(app):
    from app import security

    security.init_app(app)


def init_odoo(app):
    from app.odoo import client as odoo_api
    from app.odoo import integration
    from app.platform.ttl_cache import TTLCache

    odoo_api.init_app(app)
    # The integration user's session (version, uid) in the shared store: a new or restarted
    # worker makes no version_info or login for it (issue 26).
    integration._sessions.shared = TTLCache(3600, shared="integration-session")


def init_templates(app):
    from app import navigation, pwa
    from app.odoo import versions
    from app.platform import formatting, i18n

    i18n.init_app(app)
    app.jinja_env.trim_blocks = True
    app.jinja_env.lstrip_blocks = True
    app.jinja_env.globals["url_with"] = url_with
    pwa.init_app(app)
    formatting.init_app(app)
    navigation.init_app(app)
    versions.init_app(app)


def compile_templates(app):
    """Compile every template now, so that a new worker's first request of a page does not
    (50-630 ms a page, measured in issue 26). gunicorn's `post_worker_init` calls it
    (gunicorn.conf.py) before the worker takes requests; it also builds the URL map's
    matcher, the other first-request cost. Returns the number of templates compiled."""
    names = [name for name in app.jinja_env.list_templates()
             if name.endswith((".html", ".txt", ".xml", ".js", ".svg"))]
    compiled = 0
    with app.app_context():
        for name in names:
            try:
                app.jinja_env.get_template(name)
            except jinja2.TemplateError as exc:  # that page fails on its own; the worker starts
                logging.getLogger(__name__).error("template %s does not compile: %s", name, exc)
            else:
                compiled += 1
        # A redirect or no route at "/" raises: the matcher is built all the same.
        with contextlib.suppress(HTTPException):
            app.url_map.bind("localhost").match("/", method="GET")
    return compiled


def init_blueprints(app):
    for name in BLUEPRINTS:
        module_name = f"{__name__}.routes.{name}"
        try:
            module = importlib.import_module(module_name)
        except ModuleNotFoundError as exc:
            if exc.name != module_name:
                raise  # the module exists but something it imports does not: a real error
            continue
        if hasattr(module, "init_app"):
            module.init_app(app)
        else:
            app.register_blueprint(module.bp)


def init_cli(app):
    from app import cli

    cli.init_app(app)


def init_errors(app):
    from app import errors

    errors.init_app(app)


def url_with(**params):
    """The current URL with some query parameters replaced (None removes one): pagers, filters."""
    args = request.args.to_dict()
    args.update(params)
    args = {key: value for key, value in args.items() if value is not None}
    return url_for(request.endpoint, **(request.view_args or {}), **args)
