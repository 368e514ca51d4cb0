"""A small ORM shaped like Odoo's: fields, a registry per emulated version, an environment
bound to a user and context, and the public model methods Odoo serves over RPC.

Records live in ``Storage.data[model][id]`` as plain dicts of stored values (many2one: int or
False, many2many: list of ids, dates as Odoo's strings). Computed and related fields are
computed on read. Access rights (ACLs), record rules and field groups are checked as Odoo does
for non-superuser environments.
"""

import datetime as dt
import re

from . import domain as domain_lib
from .exceptions import AccessError, MissingError, ValidationError, no_such_method
from .odoo_texts import selection_labels

DATE_FMT = "%Y-%m-%d"
DATETIME_FMT = "%Y-%m-%d %H:%M:%S"
OPERATION_VERB = {"read": "access", "write": "modify", "create": "create", "unlink": "delete"}
ACL_LETTER = {"read": "r", "write": "w", "create": "c", "unlink": "u"}


def api_model(func):
    """Mark a method as @api.model: RPC args are passed as they come (no ids first)."""
    func._api_model = True
    return func


def now_str():
    return dt.datetime.utcnow().replace(microsecond=0).strftime(DATETIME_FMT)


# ---------------------------------------------------------------------------------------------
# Fields
# ---------------------------------------------------------------------------------------------
class Field:
    def __init__(self, type, string=None, relation=None, selection=None, required=False,
                 readonly=False, compute=None, default=None, inverse_name=None, related=None,
                 groups=None, tracking=False, versions=None, help=None, store=None,
                 delegate=False, translate=False):
        self.type = type
        self.string = string
        self.relation = relation
        self.selection = selection
        self.required = required
        self.compute = compute
        self.default = default
        self.inverse_name = inverse_name
        self.related = tuple(related.split(".")) if isinstance(related, str) else related
        self.groups = groups
        self.tracking = tracking
        self.versions = versions
        self.help = help
        self.delegate = delegate
        # translate=True: a value per installed language (Odoo 16+ keeps them in a JSONB column,
        # up to 15 in ir.translation; the wire is the same: the string of the context's lang)
        self.translate = translate
        self.readonly = readonly or bool(compute and not self.related)
        self.store = store if store is not None else not (compute or self.related)
        if type == "one2many":
            self.store = False
        self.name = None

    def in_version(self, version):
        if not self.versions:
            return True
        lo, hi = self.versions
        return (lo is None or version >= lo) and (hi is None or version <= hi)

    def get_selection(self, version, model=None):
        """The selection's pairs; a method name (Odoo's ``fields.Selection('_lang_get')``) is
        called on the model, a callable with the version."""
        sel = self.selection
        if isinstance(sel, str):
            sel = getattr(model, sel)() if model is not None else []
        elif callable(sel):
            sel = sel(version)
        return [list(x) for x in sel or []]

    def empty(self):
        if self.type in ("one2many", "many2many"):
            return []
        if self.type == "boolean":
            return False
        if self.type == "integer":
            return 0
        if self.type in ("float", "monetary"):
            return 0.0
        return False


def _f(type_):
    def make(string=None, **kw):
        return Field(type_, string, **kw)
    return make


Char, Text, Html, Integer, Float, Boolean, Date, Datetime, Binary, Monetary = (
    _f(t) for t in ("char", "text", "html", "integer", "float", "boolean", "date", "datetime",
                    "binary", "monetary"))


TRANSLATIONS = "__translations"  # a record's {field: {lang: value}} besides its en_US value


def translated(rec, fname, lang):
    """A translatable field's value in ``lang`` (None: none stored, so the en_US value)."""
    if not lang:
        return None
    return (rec.get(TRANSLATIONS) or {}).get(fname, {}).get(lang)


def set_translation(rec, fname, lang, value):
    rec.setdefault(TRANSLATIONS, {}).setdefault(fname, {})[lang] = value


def Selection(selection, string=None, **kw):
    return Field("selection", string, selection=selection, **kw)


def Many2one(relation, string=None, **kw):
    return Field("many2one", string, relation=relation, **kw)


def One2many(relation, inverse_name, string=None, **kw):
    return Field("one2many", string, relation=relation, inverse_name=inverse_name, **kw)


def Many2many(relation, string=None, **kw):
    return Field("many2many", string, relation=relation, **kw)


# ---------------------------------------------------------------------------------------------
# Registry and environment
# ---------------------------------------------------------------------------------------------
class Registry:
    """The models of one emulated version, their fields, ACLs and record rules."""

    def __init__(self, version, model_classes):
        self.version = version
        self.classes = {}
        self.fields = {}
        for cls in model_classes:
            if cls._versions and not (cls._versions[0] <= version <= cls._versions[1]):
                continue
            self.classes[cls._name] = cls
        for name, cls in self.classes.items():
            self.fields[name] = self._build_fields(cls)
        self.acl = {}    # model -> [(group xmlid | None, "rwcu")]
        self.rules = {}  # model -> [(group xmlid | None, predicate(env, rid) -> bool)]
        self.field_groups_label = {}

    def _build_fields(self, cls):
        fields = {}
        for klass in reversed(cls.__mro__):
            for attr, value in vars(klass).items():
                if isinstance(value, Field):
                    fields[attr] = value
                elif attr == "_extra_fields" and callable(value):
                    pass
        extra = cls._extra_fields(self.version) if hasattr(cls, "_extra_fields") else {}
        fields.update(extra)
        result = {}
        for fname, f in fields.items():
            if f is None or not f.in_version(self.version):
                continue
            f.name = fname
            result[fname] = f
        result["id"] = Field("integer", "ID", readonly=True)
        result["id"].name = "id"
        result["id"].store = False
        for fname, label in (("create_date", "Created on"), ("write_date", "Last Updated on")):
            result.setdefault(fname, Field("datetime", label, readonly=True))
            result[fname].name = fname
        for fname, label in (("create_uid", "Created by"), ("write_uid", "Last Updated by")):
            result.setdefault(fname, Field("many2one", label, relation="res.users", readonly=True))
            result[fname].name = fname
        if "display_name" not in result:
            f = Field("char", "Display Name", compute=True)
            f.name = "display_name"
            result["display_name"] = f
        if self.version <= 16 and "__last_update" not in result:
            f = Field("datetime", "Last Modified on", compute=True)
            f.name = "__last_update"
            result["__last_update"] = f
        return result


class Env:
    """An environment: the server state, a user, a context and the superuser flag."""

    def __init__(self, state, uid, context=None, su=False):
        self.state = state
        self.registry = state.registry
        self.store = state.storage
        self.version = state.version
        self.uid = uid
        self.context = dict(context or {})
        self.su = su
        self._groups = None
        self._companies = None

    def __getitem__(self, name):
        cls = self.registry.classes.get(name)
        if cls is None:
            raise KeyError(name)
        return cls(self)

    def __contains__(self, name):
        return name in self.registry.classes

    def sudo(self):
        return Env(self.state, self.uid, self.context, su=True)

    @property
    def lang(self):
        """Odoo's ``env.lang``: the context's language when it is an active one other than
        en_US (odoo/api.py: an inactive language reads en_US), else None."""
        lang = self.context.get("lang")
        if not lang or lang == "en_US":
            return None
        return lang if lang in self.state.active_langs() else None

    def with_context(self, **kw):
        ctx = dict(self.context)
        ctx.update(kw)
        env = Env(self.state, self.uid, ctx, su=self.su)
        env._groups = self._groups
        return env

    @property
    def user(self):
        return self.store.data["res.users"].get(self.uid, {})

    @property
    def partner_id(self):
        return self.user.get("partner_id")

    @property
    def groups(self):
        """The xml ids of every group of the user, implied groups included."""
        if self._groups is None:
            self._groups = self.state.user_groups(self.uid)
        return self._groups

    def has_group(self, xmlid):
        return xmlid in self.groups

    @property
    def is_admin(self):
        return "base.group_system" in self.groups

    @property
    def company_ids(self):
        """env.companies: the context's allowed_company_ids (the first is env.company), each
        among the user's companies; without the key every company of the user (Odoo's
        Environment.companies).

        :raises AccessError: an id the user does not belong to (not for the superuser).
        """
        if self._companies is None:
            user = self.user
            mine = list(user.get("company_ids") or [user.get("company_id") or 1])
            allowed = self.context.get("allowed_company_ids")
            if allowed:
                if not isinstance(allowed, list) or not all(
                        isinstance(c, int) and not isinstance(c, bool) for c in allowed):
                    raise AccessError("Access to unauthorized or invalid companies.")
                if not self.su and set(allowed) - set(mine):
                    raise AccessError("Access to unauthorized or invalid companies.")
                self._companies = list(allowed)
            else:
                self._companies = mine
        return self._companies

    @property
    def company_id(self):
        """env.company: the first allowed company, else the user's current one."""
        if self.context.get("allowed_company_ids"):
            return self.company_ids[0]
        return self.user.get("company_id") or 1

    def ref(self, xmlid):
        model, rid = self.state.xmlids.get(xmlid, (None, None))
        return rid

    def now(self):
        return now_str()


# ---------------------------------------------------------------------------------------------
# Base model
# ---------------------------------------------------------------------------------------------
INTERNAL = {"field_info", "comodel", "raw_value", "search_all_ids", "display_name_of",
            "parent_name", "order_default", "env", "fields", "records", "version"}


class BaseModel:
    _name = None
    _description = None
    _order = "id"
    _rec_name = "name"
    _parent_name = None
    _inherits = None          # {"res.partner": "partner_id"}
    _mail_thread = False
    _versions = None          # (min, max) versions where the model exists
    _transient = False
    _sequence = None          # (prefix, padding) for the name field

    def __init__(self, env):
        self.env = env
        self.fields = env.registry.fields[self._name]
        self.version = env.version

    # -- protocol for domain.py ------------------------------------------------------------
    @property
    def parent_name(self):
        return self._parent_name

    @property
    def order_default(self):
        return self._order

    @property
    def records(self):
        return self.env.store.data.setdefault(self._name, {})

    def field_info(self, fname):
        f = self.fields.get(fname)
        if f is None:
            return None
        info = {"type": f.type, "string": f.string or fname, "store": f.store,
                "name": fname}
        if f.relation:
            info["relation"] = f.relation
        if f.type == "selection":
            info["selection"] = f.get_selection(self.version, self)
        if f.inverse_name and not f.related and not hasattr(self, "_compute_" + fname):
            info["relation_field"] = f.inverse_name
        return info

    def comodel(self, name):
        return self.env[name]

    def raw_value(self, rid, fname):
        rec = self.records.get(rid)
        if rec is None:
            return False
        if fname == "id":
            return rid
        f = self.fields.get(fname)
        if f is None:
            return False
        if f.store:
            val = rec.get(fname)
            if f.translate and val:
                val = translated(rec, fname, self.env.lang) or val
            if val is None:
                return f.empty()
            return val
        if f.related:
            return self._related_value(rid, f.related, f)
        method = getattr(self, "_compute_" + fname, None)
        if method is not None:
            val = method(rid, rec)
            return f.empty() if val is None else val
        if f.type == "one2many":
            comodel = self.env[f.relation]
            inv = f.inverse_name
            return [cid for cid, crec in comodel.records.items() if crec.get(inv) == rid
                    and (not comodel._has_active or crec.get("active", True))]
        if fname == "display_name":
            return self.display_name_of(rid)
        if fname == "__last_update":
            return rec.get("write_date") or False
        return f.empty()

    def _related_value(self, rid, path, field):
        model, cur = self, rid
        for i, part in enumerate(path):
            if not cur:
                return field.empty()
            val = model.raw_value(cur, part)
            if i == len(path) - 1:
                return val
            f = model.fields[part]
            model = model.comodel(f.relation)
            cur = val
        return field.empty()

    @property
    def _has_active(self):
        return "active" in self.fields and self.fields["active"].type == "boolean"

    def search_all_ids(self, active_test=True):
        if active_test and self._has_active:
            return [rid for rid, rec in self.records.items() if rec.get("active", True)]
        return list(self.records)

    def display_name_of(self, rid):
        rec = self.records.get(rid)
        if rec is None:
            return False
        name = self._compute_display_name(rid, rec)
        return name if name else (f"{self._description or self._name},{rid}" if name is False
                                  else name)

    def _compute_display_name(self, rid, rec):
        rec_name = self._rec_name
        if rec_name in self.fields:
            val = self.raw_value(rid, rec_name)
            if val:
                return str(val)
        return f"{self._name},{rid}"

    # -- access control ---------------------------------------------------------------------
    def _check_acl(self, operation, raise_exception=True):
        env = self.env
        if env.su:
            return True
        acl = env.registry.acl.get(self._name)
        if acl is None:
            allowed = True  # models without ACL entries are open to internal users
        else:
            letter = ACL_LETTER[operation]
            allowed = any(letter in perms and (g is None or g in env.groups) for g, perms in acl)
            # access lines an administrator added over RPC (models/access.py)
            allowed = allowed or _access().granted(env, self._name, operation)
        if not allowed and raise_exception:
            raise AccessError(self._acl_message(operation, acl or []))
        return allowed

    def _acl_message(self, operation, acl):
        letter = ACL_LETTER[operation]
        allowed = {g for g, perms in acl if g and letter in perms}
        allowed |= _access().acl_groups(self.env, self._name, operation)
        # 19 lists the groups of an application first, then the roles and feature groups.
        groups = sorted(self.env.state.group_label(g) for g in allowed)
        if self.version >= 19:
            groups.sort(key=lambda label: "/" not in label.replace(" / ", ""))
        msg = (f"You are not allowed to {OPERATION_VERB[operation]} "
               f"'{self._description}' ({self._name}) records.\n\n")
        if groups:
            msg += ("This operation is allowed for the following groups:\n"
                    + "".join(f"\t- {g}\n" for g in groups))
        else:
            msg += "No group currently allows this operation.\n"
        return msg + "\nContact your administrator to request access if necessary."

    def _rule_filter(self, ids, operation="read"):
        """Ids allowed by the record rules for the current user (Odoo's OR of group rules)."""
        env = self.env
        if env.su:
            return ids
        rules = [*env.registry.rules.get(self._name, []),
                 *_access().rules(env, self._name, operation)]
        if not rules:
            return ids
        global_preds = [p for g, p in rules if g is None]
        group_preds = [p for g, p in rules if g is not None and g in env.groups]
        if any(getattr(p, "company_rule", False) for p in global_preds):
            env.company_ids  # noqa: B018 (Odoo evaluates company_ids with the rule: may raise)
        out = []
        for rid in ids:
            if any(not p(env, self, rid) for p in global_preds):
                continue
            if group_preds and not any(p(env, self, rid) for p in group_preds):
                continue
            out.append(rid)
        return out

    def _check_rules(self, ids, operation="read"):
        allowed = set(self._rule_filter(ids, operation))
        if len(allowed) != len(set(ids)):
            denied = [rid for rid in ids if rid not in allowed]
            error = AccessError(self._rule_message(operation))
            suggested = self._suggested_company(denied) if self.version >= 17 else None
            if suggested:
                # 17+ name the company to switch to, in the message and the error's context
                # (recorded on 18 and 19: s_co_read_other_company_main_only).
                cid, name = suggested
                note = ("This seems to be a multi-company issue, you might be able to access "
                        f"the record by switching to the company: {name}.")
                error = AccessError(f"{error.message}\n\n{note}")
                error.context = {"suggested_company": {"id": cid, "display_name": name}}
            raise error

    def _suggested_company(self, denied):
        """(id, name) of the one company of the user that would show these records, when only
        the allowed companies hide them."""
        env = self.env
        user = env.user
        mine = list(user.get("company_ids") or [user.get("company_id") or 1])
        wider = type(self)(env.with_context(allowed_company_ids=mine))
        if set(wider._rule_filter(denied)) != set(denied):
            return None
        companies = {self.records[rid].get("company_id") for rid in denied} - {False, None}
        if len(companies) != 1:
            return None
        cid = companies.pop()
        return cid, env.store.data["res.company"].get(cid, {}).get("name")

    def _rule_message(self, operation):
        v = self.version
        if v <= 16:
            return (f"Due to security restrictions, you are not allowed to access "
                    f"'{self._description}' ({self._name}) records.\n\n"
                    "Contact your administrator to request access if necessary.")
        user_name = self.env.store.data["res.partner"].get(self.env.partner_id, {}).get("name")
        return ("Uh-oh! Looks like you have stumbled upon some top-secret records.\n\n"
                f"Sorry, {user_name} (id={self.env.uid}) doesn't have 'read' access to:\n"
                f"- {self._description} ({self._name})\n\n"
                "If you really, really need access, perhaps you can win over your friendly "
                "administrator with a batch of freshly baked cookies.")

    def _check_field_access(self, fnames, operation="read"):
        env = self.env
        if env.su:
            return
        denied = [fn for fn in fnames if fn in self.fields and self.fields[fn].groups
                  and not any(g in env.groups for g in self.fields[fn].groups.split(","))]
        if not denied:
            return
        labels = ", ".join(f"'{env.state.group_label(g, field=True)}'"
                           for g in self.fields[denied[0]].groups.split(","))
        v = self.version
        lines = "".join(f"\n- {fn} (allowed for groups {labels})" for fn in denied)
        if v <= 17:
            msg = ("The requested operation can not be completed due to security restrictions."
                   f"\n\nDocument type: {self._description} ({self._name})\nOperation: "
                   f"{operation}\nUser: {env.uid}\nFields:{lines}")
        elif v == 18:
            fl = ", ".join(f'"{fn}"' for fn in denied)
            msg = (f"You do not have enough rights to access the fields {fl} on "
                   f"{self._description} ({self._name}). Please contact your system "
                   f"administrator.\n\nOperation: {operation}\nUser: {env.uid}\nFields:{lines}")
        else:
            msg = (f'You do not have enough rights to access the field "{denied[0]}" on '
                   f"{self._description} ({self._name}). Please contact your system "
                   f"administrator.\n\nOperation: {operation}\nUser: {env.uid}\n"
                   f"Groups: allowed for groups {labels}")
        raise AccessError(msg)

    def _readable_fields(self):
        env = self.env
        return [fn for fn, f in self.fields.items()
                if env.su or not f.groups or any(g in env.groups for g in f.groups.split(","))]

    # -- search -----------------------------------------------------------------------------
    def _active_test(self, domain):
        if not self.env.context.get("active_test", True):
            return False
        for leaf in domain or []:
            if isinstance(leaf, (list, tuple)) and len(leaf) == 3 and leaf[0] == "active":
                return False
        return True

    def _search(self, domain, offset=0, limit=None, order=None, check=True):
        if check:
            self._check_acl("read")
        domain = list(domain or [])
        ids = self.search_all_ids(self._active_test(domain))
        if domain:
            ids = domain_lib.filter_records(self, domain, ids)
        ids = self._rule_filter(ids)
        ids = domain_lib.sort_records(self, order or None, ids)
        offset = offset or 0
        if offset:
            ids = ids[offset:]
        if limit:
            ids = ids[:limit]
        return ids

    @api_model
    def search(self, domain=None, offset=0, limit=None, order=None, count=False):
        if count and self.version <= 16:
            return len(self._search(domain))
        if count:
            raise TypeError(f"{type(self).__name__}.search() got an unexpected keyword "
                            "argument 'count'")
        return self._search(domain, offset, limit, order)

    @api_model
    def search_count(self, domain=None, limit=None):
        ids = self._search(domain)
        return min(len(ids), limit) if limit else len(ids)

    @api_model
    def search_read(self, domain=None, fields=None, offset=0, limit=None, order=None, **kwargs):
        # Odoo passes the other keyword arguments on to read(), which takes only `load`: a
        # typo is a TypeError there, not ignored.
        unknown = [key for key in kwargs if key != "load"]
        if unknown:
            raise TypeError(f"BaseModel.read() got an unexpected keyword argument '{unknown[0]}'")
        ids = self._search(domain, offset, limit, order)
        if not ids:
            return []
        return self._read(ids, fields, kwargs.get("load", "_classic_read"), check_rules=False)

    @api_model
    def search_fetch(self, domain, field_names, offset=0, limit=None, order=None):
        return self.search_read(domain, field_names, offset, limit, order)

    @api_model
    def web_search_read(self, domain=None, specification=None, offset=0, limit=None, order=None,
                        count_limit=None, **kwargs):
        """The web client's search: ``{"length", "records"}``. 17+ read the records with
        :meth:`web_read`'s specification; 15/16 take a list of fields (``fields``) instead."""
        if self.version <= 16:
            fields = kwargs.pop("fields", None) if specification is None else specification
            records = self.search_read(domain, fields, offset, limit, order)
        else:
            ids = self._search(domain, offset, limit, order)
            records = self._web_read(ids, specification or {}, check_rules=False)
        length = len(records) + (offset or 0)
        if limit and len(records) == limit:
            length = self.search_count(domain, limit=count_limit)
        return {"length": length, "records": records}

    def web_read(self, ids, specification):
        """Odoo 17+'s read with a specification (odoo/models.py ``web_read``): a many2one is
        its id, or ``{"id", ...}`` with the co-record's ``fields`` (display_name read as
        superuser); an x2many its ids, or a list of ``{"id", ...}`` with ``fields``."""
        if self.version <= 16:
            raise no_such_method(self._name, "web_read", self.version)
        return self._web_read(ids, specification)

    def _web_read(self, ids, specification, check_rules=True):
        names = [name for name in specification if name != "id"]
        if names:
            rows = self._read(ids, names, "_classic_write", check_rules=check_rules)
        else:
            rows = [{"id": rid} for rid in _as_ids(ids)]
        for name, spec in specification.items():
            field = self.fields.get(name)
            sub = (spec or {}).get("fields")
            if field is None or sub is None or not field.relation:
                continue  # other fields ignore a sub-specification, as in Odoo
            co_model = self.env[field.relation]
            extra = {k: v for k, v in sub.items() if k != "display_name"}
            if field.type == "many2one":
                linked = sorted({row[name] for row in rows if row[name]})
                data = {vals["id"]: vals for vals in co_model._web_read(linked, extra)}
                if "display_name" in sub:
                    for rid in data:
                        data[rid]["display_name"] = co_model.sudo_display_name(rid)
                for row in rows:
                    row[name] = data.get(row[name], {"id": row[name]}) if row[name] else False
            elif field.type in ("one2many", "many2many"):
                # Odoo reads the first `limit` of each record's co-records; the others come
                # back as bare ids (odoo/models.py web_read)
                limit = spec.get("limit")
                linked = sorted({rid for row in rows for rid in row[name][:limit]})
                data = {vals["id"]: vals for vals in co_model._web_read(linked, sub)}
                for row in rows:
                    row[name] = [data.get(rid) or {"id": rid} for rid in row[name]]
        return rows

    def sudo_display_name(self, rid):
        return self.env.sudo()[self._name].display_name_of(rid)

    # -- read -------------------------------------------------------------------------------
    def read(self, ids, fields=None, load="_classic_read"):
        return self._read(ids, fields, load)

    def _read(self, ids, fields=None, load="_classic_read", check_rules=True):
        self._check_acl("read")
        ids = _as_ids(ids)
        existing = [rid for rid in ids if rid in self.records]
        if check_rules:
            self._check_rules(existing, "read")
        if fields and all(fn == "id" for fn in fields):
            # Odoo fetches nothing for ["id"] and echoes every id asked for, even one that does
            # not exist (recorded on 16, 18 and 19, for admins and technicians alike).
            return [{"id": rid} for rid in ids]
        if fields:
            fields = [fn for fn in fields if fn != "id"]
            unknown = [fn for fn in fields if fn not in self.fields]
            if unknown:
                on = "on" if self.version >= 19 else "on model"
                raise ValueError(f"Invalid field {unknown[0]!r} {on} {self._name!r}")
            self._check_field_access(fields)
            if existing:
                self._check_x2many_access(fields)
        else:
            fields = [fn for fn in self._readable_fields() if fn != "id"
                      and not (self.fields[fn].type == "binary" and not self.fields[fn].store)]
        classic_write = load == "_classic_write" or not load
        result = []
        for rid in existing:
            row = {"id": rid}
            for fn in fields:
                row[fn] = self._format_value(rid, fn, classic_write)
            result.append(row)
        return result

    def _check_x2many_access(self, fields):
        """Reading a one2many searches its comodel as the user (odoo/fields.py One2many.read):
        without read access to it the whole read is an AccessError (recorded with
        fieldservice_activity's order_activity_ids on 16 and 18)."""
        for fname in fields:
            f = self.fields[fname]
            if f.type == "one2many" and f.relation in self.env.registry.classes:
                self.env[f.relation]._check_acl("read")

    def _format_value(self, rid, fname, classic_write=False):
        f = self.fields[fname]
        val = self.raw_value(rid, fname)
        t = f.type
        if t == "many2one":
            if not val:
                return False
            if classic_write:
                return val
            comodel = self.env.sudo()[f.relation]
            if val not in comodel.records:
                return False
            return [val, comodel.display_name_of(val)]
        if t in ("one2many", "many2many"):
            return list(val or [])
        if t == "boolean":
            return bool(val)
        if t == "integer":
            return int(val or 0)
        if t in ("float", "monetary"):
            return float(val or 0.0)
        if val is None or val == "":
            return False if t not in ("char", "text", "html") or val is None else val
        return val

    # -- name_get / display_name / name_search ------------------------------------------------
    def name_get(self, ids):
        if self.version >= 18:
            raise no_such_method(self._name, "name_get", self.version)
        self._check_acl("read")
        return [[rid, self.display_name_of(rid)] for rid in _as_ids(ids) if rid in self.records]

    @api_model
    def name_search(self, name="", args=None, operator="ilike", limit=100, domain=None):
        dom = list(domain if domain is not None else (args or []))
        if name:
            dom = (["&"] if dom else []) + [(self._rec_name_search(), operator, name)] + dom \
                if dom else [(self._rec_name_search(), operator, name)]
        ids = self._search(dom, limit=limit)
        return [[rid, self.display_name_of(rid)] for rid in ids]

    @api_model
    def name_create(self, name):
        """odoo/models.py ``name_create``: a record from its name alone, as ``[id, name]``."""
        if self._rec_name not in self.fields:
            from .exceptions import UserError
            raise UserError(f"Cannot execute name_create, no _rec_name defined on {self._name}")
        rid = self.create({self._rec_name: name})
        rid = rid[0] if isinstance(rid, list) else rid
        return [rid, self.display_name_of(rid)]

    def _rec_name_search(self):
        return self._rec_name if self._rec_name in self.fields else "display_name"

    # -- fields_get / default_get -------------------------------------------------------------
    @api_model
    def fields_get(self, allfields=None, attributes=None):
        self._check_acl("read")
        out = {}
        names = allfields or [fn for fn in self.fields if True]
        for fn in names:
            f = self.fields.get(fn)
            if f is None:
                continue
            desc = {"type": f.type, "string": f.string or fn.replace("_", " ").title(),
                    "required": bool(f.required), "readonly": bool(f.readonly),
                    "store": bool(f.store), "searchable": True,
                    "sortable": bool(f.store), "manual": fn.startswith("x_"),
                    "depends": [], "company_dependent": False, "change_default": False}
            if f.help:
                desc["help"] = f.help
            if f.relation:
                desc["relation"] = f.relation
                desc["domain"] = []
                desc["context"] = {}
            if f.inverse_name:
                desc["relation_field"] = f.inverse_name
            if f.type == "selection":
                desc["selection"] = selection_labels(self.env, self._name, fn,
                                                     f.get_selection(self.version, self))
            if f.type in ("char", "text", "html"):
                desc["translate"] = bool(f.translate)
            if attributes:
                desc = {k: v for k, v in desc.items() if k in attributes}
            out[fn] = desc
        return out

    @api_model
    def default_get(self, fields_list):
        out = {}
        for fn in fields_list or []:
            val = self._default_for(fn)
            if val is not None:
                f = self.fields.get(fn)
                if f is not None and f.type in ("many2many", "one2many") and isinstance(val, list):
                    val = [[6, 0, val]] if self.version <= 16 else val
                out[fn] = val
        return out

    def _default_for(self, fname):
        ctx = self.env.context
        if "default_" + fname in ctx:
            return ctx["default_" + fname]
        f = self.fields.get(fname)
        if f is None or f.default is None:
            return None
        if f.type == "many2one" and f.relation == "res.company" and f.default == 1:
            # Odoo's models default their company to env.company (the first allowed company);
            # the emulator's models write default=1 (the main company) for it.
            return self.env.company_id
        return f.default(self) if callable(f.default) else f.default

    # -- create -----------------------------------------------------------------------------
    @api_model
    def create(self, vals_list):
        single = isinstance(vals_list, dict)
        if single:
            vals_list = [vals_list]
        elif not isinstance(vals_list, list):
            raise ValueError("create() expects a dict or a list of dicts")
        self._check_acl("create")
        ids = [self._create_one(dict(vals)) for vals in vals_list]
        if not self.env.su:
            self._check_rules(ids, "create")
        return ids[0] if single else ids

    def _create_one(self, vals):
        vals = self._prepare_create(vals)
        for fn in self.fields:
            if fn not in vals:
                d = self._default_for(fn)
                if d is not None:
                    vals[fn] = d
        self._check_unknown(vals)
        delegated = self._split_delegated(vals)
        if self._inherits:
            for pmodel, link in self._inherits.items():
                if not vals.get(link):
                    vals[link] = self.env.sudo()[pmodel]._create_one(dict(delegated))
                elif delegated:
                    self.env.sudo()[pmodel]._write_one(vals[link], dict(delegated))
        self._check_required(vals)
        rid = self.env.store.new_id(self._name)
        rec = {}
        x2m = {}
        for fn, val in vals.items():
            f = self.fields[fn]
            if f.type in ("one2many", "many2many"):
                x2m[fn] = val
                if f.type == "many2many":
                    rec[fn] = []
                continue
            if not f.store:
                continue
            rec[fn] = self._convert(f, val)
            if f.translate and self.env.lang and rec[fn]:
                # created in another language: that language and en_US get the value
                set_translation(rec, fn, self.env.lang, rec[fn])
        now = now_str()
        rec.setdefault("create_date", now)
        rec["write_date"] = now
        rec.setdefault("create_uid", self.env.uid)
        rec["write_uid"] = self.env.uid
        if self._has_active:
            rec.setdefault("active", True)
        self.env.store.insert(self._name, rid, rec)
        for fn, cmds in x2m.items():
            self._apply_x2many(rid, self.fields[fn], cmds)
        self.env.store.save(self._name, rid)
        self._after_create(rid, vals)
        return rid

    def _prepare_create(self, vals):
        return vals

    def _after_create(self, rid, vals):
        pass

    def _check_unknown(self, vals):
        for fn in vals:
            if fn not in self.fields:
                raise ValueError(f"Invalid field {fn!r} on model {self._name!r}")

    def _check_required(self, vals):
        for fn, f in self.fields.items():
            if f.required and f.store and fn not in ("create_date", "write_date") \
                    and vals.get(fn) in (None, False, "") and f.type != "boolean":
                raise ValidationError(
                    "The operation cannot be completed: Missing required value for the field "
                    f"'{f.string}' ({fn})" if self.version >= 17 else
                    f"Missing required value for the field '{f.string}' ({fn})")

    def _split_delegated(self, vals):
        out = {}
        for fn in list(vals):
            f = self.fields.get(fn)
            if f is not None and f.delegate:
                if f.type == "selection":
                    self._convert(f, vals[fn])  # refused as this model's field, as in Odoo
                out[f.related[-1]] = vals.pop(fn)
        return out

    def _convert(self, f, val):
        t = f.type
        if val is None:
            return f.empty()
        if t == "many2one":
            if isinstance(val, (list, tuple)):
                val = val[0] if val else False
            if val in (False, 0):
                return False
            if not isinstance(val, int) or isinstance(val, bool):
                raise ValueError(f"Wrong value for {self._name}.{f.name}: {val!r}")
            return val
        if t == "boolean":
            return bool(val)
        if t == "integer":
            return int(val or 0)
        if t in ("float", "monetary"):
            return float(val or 0.0)
        if t == "datetime":
            return _to_datetime_str(val)
        if t == "date":
            return _to_date_str(val)
        if t == "selection":
            if val is False:
                return False
            keys = [k for k, _ in f.get_selection(self.version, self)]
            if val not in keys:
                raise ValueError(f"Wrong value for {self._name}.{f.name}: {val!r}")
            return val
        if t in ("char", "text", "html"):
            if val is False:
                return False
            return str(val)
        return val

    # -- x2many commands ----------------------------------------------------------------------
    def _apply_x2many(self, rid, f, commands):
        comodel = self.env[f.relation] if not self.env.su else self.env.sudo()[f.relation]
        if commands is False or commands is None:
            commands = [(5,)]
        if commands and all(isinstance(c, int) for c in commands):
            commands = [(6, 0, commands)]
        rec = self.records[rid]
        current = list(self.raw_value(rid, f.name)) if f.type == "one2many" else \
            list(rec.get(f.name) or [])
        for cmd in commands or []:
            if not isinstance(cmd, (list, tuple)) or not cmd:
                raise ValueError(f"Invalid x2many command {cmd!r}")
            code = cmd[0]
            if code == 0:
                vals = dict(cmd[2] if len(cmd) > 2 else {})
                if f.type == "one2many":
                    vals[f.inverse_name] = rid
                current.append(comodel._create_one(vals))
            elif code == 1:
                comodel._write_one(cmd[1], dict(cmd[2]))
            elif code == 2:
                if cmd[1] in current:
                    current.remove(cmd[1])
                comodel._unlink_one(cmd[1])
            elif code == 3:
                if cmd[1] in current:
                    current.remove(cmd[1])
                if f.type == "one2many":
                    comodel._write_one(cmd[1], {f.inverse_name: False})
            elif code == 4:
                if cmd[1] not in current:
                    current.append(cmd[1])
                if f.type == "one2many":
                    comodel._write_one(cmd[1], {f.inverse_name: rid})
            elif code == 5:
                if f.type == "one2many":
                    for cid in current:
                        comodel._write_one(cid, {f.inverse_name: False})
                current = []
            elif code == 6:
                new = list(cmd[2] if len(cmd) > 2 else [])
                if f.type == "one2many":
                    for cid in current:
                        if cid not in new:
                            comodel._write_one(cid, {f.inverse_name: False})
                    for cid in new:
                        comodel._write_one(cid, {f.inverse_name: rid})
                current = new
            else:
                raise ValueError(f"Invalid x2many command {cmd!r}")
        if f.type == "many2many":
            rec[f.name] = [c for c in dict.fromkeys(current) if isinstance(c, int)]

    # -- write ------------------------------------------------------------------------------
    def write(self, ids, vals):
        ids = _as_ids(ids)
        self._check_acl("write")
        missing = [rid for rid in ids if rid not in self.records]
        if missing:
            raise MissingError(self._missing_message(missing))
        if not self.env.su:
            self._check_rules(ids, "write")
            self._check_field_access(list(vals), "write")
        self._check_unknown(vals)
        self._before_write(ids, vals)
        tracked = self._tracked_fields(vals)
        olds = {rid: {fn: self.raw_value(rid, fn) for fn in tracked} for rid in ids}
        for rid in ids:
            self._write_one(rid, dict(vals))
        self._after_write(ids, vals)
        if tracked:
            for rid in ids:
                self._track(rid, olds[rid])
        return True

    def _missing_message(self, missing):
        ids_repr = ", ".join(str(i) for i in missing)
        return ("Record does not exist or has been deleted.\n"
                f"(Record: {self._name}({ids_repr},), User: {self.env.uid})")

    def _before_write(self, ids, vals):
        pass

    def _after_write(self, ids, vals):
        pass

    def _write_one(self, rid, vals):
        rec = self.records.get(rid)
        if rec is None:
            raise MissingError(self._missing_message([rid]))
        delegated = self._split_delegated(vals)
        if delegated and self._inherits:
            for pmodel, link in self._inherits.items():
                pid = vals.get(link) or rec.get(link)
                if pid:
                    self.env.sudo()[pmodel]._write_one(pid, delegated)
        for fn, val in vals.items():
            f = self.fields.get(fn)
            if f is None:
                raise ValueError(f"Invalid field {fn!r} on model {self._name!r}")
            if f.type in ("one2many", "many2many"):
                self._apply_x2many(rid, f, val)
            elif f.translate and f.store:
                self._write_translatable(rec, f, val)
            elif f.store:
                rec[fn] = self._convert(f, val)
        rec["write_date"] = now_str()
        rec["write_uid"] = self.env.uid
        self.env.store.save(self._name, rid)

    def _write_translatable(self, rec, f, val):
        """Writing in a language other than en_US changes that language only (16+: its key of
        the JSONB; up to 15: its ir.translation); False empties every language."""
        value = self._convert(f, val)
        if not value:
            rec[f.name] = value
            (rec.get(TRANSLATIONS) or {}).pop(f.name, None)
        elif self.env.lang:
            set_translation(rec, f.name, self.env.lang, value)
        else:
            rec[f.name] = value

    # -- unlink -----------------------------------------------------------------------------
    def unlink(self, ids):
        ids = _as_ids(ids)
        self._check_acl("unlink")
        existing = [rid for rid in ids if rid in self.records]
        if not self.env.su:
            self._check_rules(existing, "unlink")
        self._before_unlink(existing)
        for rid in existing:
            self._unlink_one(rid)
        return True

    def _before_unlink(self, ids):
        pass

    def _unlink_one(self, rid):
        if rid not in self.records:
            return
        # cascade one2many children whose inverse is required, else clear the link
        for f in self.fields.values():
            if f.type == "one2many" and f.relation in self.env.registry.classes:
                comodel = self.env.sudo()[f.relation]
                inv = comodel.fields.get(f.inverse_name)
                for cid in [c for c, r in comodel.records.items() if r.get(f.inverse_name) == rid]:
                    if inv is not None and inv.required:
                        comodel._unlink_one(cid)
                    else:
                        comodel.records[cid][f.inverse_name] = False
                        self.env.store.save(f.relation, cid)
        self.env.store.delete(self._name, rid)

    # -- copy / exists -------------------------------------------------------------------------
    def copy(self, ids, default=None):
        ids = _as_ids(ids)
        self._check_acl("create")
        new_ids = []
        for rid in ids:
            if rid not in self.records:
                raise MissingError(self._missing_message([rid]))
            vals = {}
            for fn, f in self.fields.items():
                if not f.store or fn in ("id", "create_date", "write_date", "create_uid",
                                         "write_uid") or f.type == "one2many":
                    continue
                if f.delegate:
                    continue
                val = self.records[rid].get(fn) if f.translate else self.raw_value(rid, fn)
                vals[fn] = [(6, 0, val)] if f.type == "many2many" else val
            if "name" in vals and self.fields["name"].type == "char" and vals["name"] \
                    and not self._sequence:
                vals["name"] = f"{vals['name']} (copy)"
            if self._sequence and "name" in vals:
                vals.pop("name")
            vals.update(default or {})
            new_id = self._create_one(vals)
            if self.records[rid].get(TRANSLATIONS):  # Odoo copies the translations too
                kept = {fn: dict(by_lang) for fn, by_lang in
                        self.records[rid][TRANSLATIONS].items() if fn not in (default or {})}
                self.records[new_id][TRANSLATIONS] = kept
                self.env.store.save(self._name, new_id)
            new_ids.append(new_id)
        return new_ids[0] if len(new_ids) == 1 and self.version <= 18 else new_ids

    def get_external_id(self, ids):
        """{id: "module.name" or ""}: Odoo reads ir.model.data as superuser here, so any user
        who may call it learns the xml ids of the records it names."""
        by_id = {}
        for xmlid, (model, rid) in self.env.state.xmlids.items():
            if model == self._name:
                by_id.setdefault(rid, xmlid)
        return {rid: by_id.get(rid, "") for rid in _as_ids(ids)}

    def exists(self, ids):
        return [rid for rid in _as_ids(ids) if rid in self.records]

    def check_access_rights(self, operation, raise_exception=True):
        return self._check_acl(operation, raise_exception)

    check_access_rights._api_model = True

    def check_access_rule(self, ids, operation):
        self._check_rules([rid for rid in _as_ids(ids) if rid in self.records], operation)

    def has_access(self, ids, operation):
        try:
            self._check_acl(operation)
            self._check_rules(_as_ids(ids), operation)
        except AccessError:
            return False
        return True

    # -- read_group ---------------------------------------------------------------------------
    @api_model
    def read_group(self, domain, fields, groupby, offset=0, limit=None, orderby=False,
                   lazy=True):
        from .readgroup import read_group
        return read_group(self, domain, fields, groupby, offset, limit, orderby, lazy)

    # -- tracking hooks (mail.thread overrides) -----------------------------------------------
    def _tracked_fields(self, vals):
        return []

    def _track(self, rid, old_values):
        pass


def _access():
    from .models import access  # models import this module
    return access


def _as_ids(ids):
    if isinstance(ids, bool) or ids is None:
        return []
    if isinstance(ids, int):
        return [ids]
    out = []
    for i in ids:
        if isinstance(i, bool) or not isinstance(i, int):
            raise ValueError(f"Invalid id {i!r}")
        out.append(i)
    return out


_DT_RE = re.compile(r"^\d{4}-\d{2}-\d{2}( \d{2}:\d{2}(:\d{2})?(\.\d+)?)?$")


def _to_datetime_str(val):
    if val in (False, None, ""):
        return False
    if isinstance(val, dt.datetime):
        return val.replace(microsecond=0).strftime(DATETIME_FMT)
    val = str(val)
    if not _DT_RE.match(val):
        raise ValueError(f"time data {val!r} does not match format '%Y-%m-%d %H:%M:%S'")
    if len(val) == 10:
        return val + " 00:00:00"
    if len(val) == 16:
        return val + ":00"
    return val[:19]


def _to_date_str(val):
    if val in (False, None, ""):
        return False
    val = str(val)
    if not re.match(r"^\d{4}-\d{2}-\d{2}", val):
        raise ValueError(f"time data {val!r} does not match format '%Y-%m-%d'")
    return val[:10]
