"""The public ORM methods' parameters, per version, as Odoo's ``odoo/models.py`` declares them.

The emulator's own methods take the union of every version's keywords (one implementation
serves 15 to 19), so on their own they would accept ``name_search(domain=...)`` on 16, which
Odoo answers with ``builtins.TypeError: ProductProduct.name_search() got an unexpected keyword
argument 'domain'``. :func:`check` refuses, before the call, what the version's signature does
not take, with Python's own messages.

Sources (odoo/models.py of each branch; ``self`` and, for record methods, the ids left out):

* ``name_search(self, name='', args=None, operator='ilike', limit=100)`` 15.0 to 18.0;
  19.0 renamed ``args`` to ``domain``.
* ``name_create(self, name)`` every version.
* ``search_read(self, domain=None, fields=None, offset=0, limit=None, order=None,
  **read_kwargs)`` every version (the rest goes to ``read``, checked by the ORM).
* ``read_group(self, domain, fields, groupby, offset=0, limit=None, orderby=False, lazy=True)``
  every version (19 keeps it, deprecated, next to ``formatted_read_group``).
* ``web_read(self, specification)`` from 17.0.
* ``action_*`` methods take no argument but the records: the emulator's methods have exactly
  that signature, so Python refuses any keyword by itself.
"""

from __future__ import annotations

# method -> [((first version, last version), parameters, takes **kwargs)]
SIGNATURES: dict[str, list[tuple[tuple[int | None, int | None], tuple[str, ...], bool]]] = {
    "name_search": [((None, 18), ("name", "args", "operator", "limit"), False),
                    ((19, None), ("name", "domain", "operator", "limit"), False)],
    "name_create": [((None, None), ("name",), False)],
    "search_read": [((None, None), ("domain", "fields", "offset", "limit", "order"), True)],
    "read_group": [((None, None), ("domain", "fields", "groupby", "offset", "limit", "orderby",
                                   "lazy"), False)],
    "web_read": [((17, None), ("specification",), False)],
}


def class_name(model: str) -> str:
    """Odoo's class name of a model, as its TypeErrors say it ("ProductProduct")."""
    return "".join(part.capitalize() for part in model.replace("_", ".").split("."))


def _signature(method: str, version: int):
    for (low, high), params, var_kw in SIGNATURES.get(method, ()):
        if (low is None or version >= low) and (high is None or version <= high):
            return params, var_kw
    return None


def check(model: str, method: str, version: int, args: list, kwargs: dict) -> None:
    """Refuse what ``method``'s signature at ``version`` does not take.

    ``args``: the positional arguments after ``self`` (and after the ids of a record method).
    :raises TypeError: with Python's message, which Odoo sends as ``builtins.TypeError``.
    """
    found = _signature(method, version)
    if found is None:
        return
    params, var_kw = found
    name = f"{class_name(model)}.{method}()"
    if len(args) > len(params):
        raise TypeError(f"{name} takes from 1 to {len(params) + 1} positional arguments but "
                        f"{len(args) + 1} were given")
    for key in kwargs:
        if key in params[:len(args)]:
            raise TypeError(f"{name} got multiple values for argument '{key}'")
        if key not in params and not var_kw:
            raise TypeError(f"{name} got an unexpected keyword argument '{key}'")
