"""A gunicorn worker compiles the templates before it takes requests (gunicorn.conf.py's
post_worker_init): a new or recycled worker's first request of a page pays no compilation."""
import logging
import runpy
from pathlib import Path

import jinja2

from app import compile_templates, create_app
from app.config import TestConfig

CONF = Path(__file__).resolve().parents[2] / "gunicorn.conf.py"


class FakeWorker:
    pid = 4242
    log = logging.getLogger("test.gunicorn")

    def __init__(self, wsgi):
        self.wsgi = wsgi


def test_post_worker_init_compiles_every_page_template():
    app = create_app(TestConfig)
    settings = runpy.run_path(str(CONF))
    assert "post_worker_init" in settings, "gunicorn.conf.py has no post_worker_init hook"
    assert not app.jinja_env.cache  # nothing compiled yet
    settings["post_worker_init"](FakeWorker(app))
    compiled = {name for (_loader, name) in app.jinja_env.cache}
    pages = {name for name in app.jinja_env.list_templates() if name.endswith(".html")}
    assert pages and pages <= compiled


def test_a_template_that_does_not_compile_does_not_stop_the_worker(tmp_path):
    """One broken template fails its own page, not every page: the worker still starts."""
    app = create_app(TestConfig)
    broken = tmp_path / "templates"
    broken.mkdir()
    (broken / "zz_broken.html").write_text("{{ 1 | no_such_filter }}")
    app.jinja_env.loader = jinja2.ChoiceLoader([app.jinja_env.loader,
                                                jinja2.FileSystemLoader(str(broken))])
    count = compile_templates(app)
    names = {n for n in app.jinja_env.list_templates() if n.endswith(".html")}
    assert count == len(names) - 1 and "zz_broken.html" in names
