"""Every emulated Odoo app, one module each."""

from . import base, fieldservice, lang, mail, modules


def all_models():
    out = []
    for mod in (base, lang, mail, fieldservice, modules):
        out.extend(mod.MODELS)
    for name in ("sale", "account", "crm", "stock", "helpdesk", "psa", "resource", "timesheet",
                 "access"):
        try:
            mod = __import__(f"{__name__}.{name}", fromlist=["MODELS"])
        except ImportError:
            continue
        out.extend(mod.MODELS)
    return out
