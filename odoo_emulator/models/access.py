"""ir.model.access and ir.rule: access rights and record rules an administrator adds over
RPC (as `flask odoo-check --fix` does), applied on top of the rights the emulated modules ship
(odoo_emulator/security.py).

As in Odoo (odoo/addons/base/models/ir_model.py, ir_rule.py): an access line grants its
operations to one group (or to everyone without a group); a rule with groups is ORed with the
other group rules that apply to the user, a rule without groups (global) is ANDed. A rule's
``domain_force`` is a domain in Python syntax evaluated with ``user`` (``user.id``),
``company_id`` and ``company_ids``; anything else in it is refused (ValueError), never
guessed.
"""
import ast

from ..domain import compile_domain
from ..orm import BaseModel, Boolean, Char, Many2many, Many2one, Text

ACCESS, RULE = "ir.model.access", "ir.rule"
PERMS = {"read": "perm_read", "write": "perm_write", "create": "perm_create",
         "unlink": "perm_unlink"}


class IrModelAccess(BaseModel):
    _name = ACCESS
    _description = "Model Access"
    _order = "model_id, group_id, name, id"
    name = Char("Name", required=True)
    active = Boolean("Active", default=True)
    model_id = Many2one("ir.model", "Model", required=True)
    group_id = Many2one("res.groups", "Group")
    perm_read = Boolean("Read Access")
    perm_write = Boolean("Write Access")
    perm_create = Boolean("Create Access")
    perm_unlink = Boolean("Delete Access")


class IrRule(BaseModel):
    _name = RULE
    _description = "Record Rule"
    _order = "model_id DESC, id"
    name = Char("Name")
    active = Boolean("Active", default=True)
    model_id = Many2one("ir.model", "Model", required=True)
    groups = Many2many("res.groups", "Groups")
    domain_force = Text("Domain")
    perm_read = Boolean("Apply for Read", default=True)
    perm_write = Boolean("Apply for Write", default=True)
    perm_create = Boolean("Apply for Create", default=True)
    perm_unlink = Boolean("Apply for Delete", default=True)

    def _prepare_create(self, vals):
        if vals.get("domain_force"):
            parse_domain(vals["domain_force"], uid=0, company_ids=[])
        return vals

    def _before_write(self, ids, vals):
        if vals.get("domain_force"):
            parse_domain(vals["domain_force"], uid=0, company_ids=[])


def _records(env, model_name, kind):
    data = env.store.data
    if kind not in data:
        return []
    models = data.get("ir.model", {})
    return [rec for rec in data[kind].values() if rec.get("active", True)
            and models.get(rec.get("model_id"), {}).get("model") == model_name]


def _group_xmlids(env):
    return {rid: x for x, (m, rid) in env.state.xmlids.items() if m == "res.groups"}


def granted(env, model_name, operation):
    """Whether an access line added over RPC grants `operation` on the model to the user."""
    field = PERMS[operation]
    lines = _records(env, model_name, ACCESS)
    if not lines:
        return False
    names = _group_xmlids(env)
    return any(line.get(field) and (not line.get("group_id")
                                    or names.get(line["group_id"]) in env.groups)
               for line in lines)


def acl_groups(env, model_name, operation):
    """The groups (xml ids) the added access lines grant `operation` to, for the message."""
    names = _group_xmlids(env)
    return {names[line["group_id"]] for line in _records(env, model_name, ACCESS)
            if line.get(PERMS[operation]) and names.get(line.get("group_id"))}


def rules(env, model_name, operation):
    """[(group xml id | None, predicate)] of the rules added over RPC for this operation,
    in security.py's shape (a predicate takes env, model, rid)."""
    names = _group_xmlids(env)
    out = []
    for rule in _records(env, model_name, RULE):
        if not rule.get(PERMS[operation], True):
            continue
        pred = _predicate(env, model_name, rule.get("domain_force") or "[]")
        groups = [names.get(gid) for gid in rule.get("groups") or []]
        if not groups:
            out.append((None, pred))
        out.extend((group, pred) for group in groups if group)
    return out


def _predicate(env, model_name, domain_force):
    """The rule's domain for this user, compiled once (Odoo evaluates it per request too)."""
    domain = parse_domain(domain_force, env.uid, env.company_ids)
    matches = compile_domain(env.sudo()[model_name], domain)

    def pred(env, model, rid):
        return bool(matches(rid))
    return pred


def parse_domain(text, uid, company_ids):
    """The domain of a rule's ``domain_force``, with ``user.id``, ``company_id`` and
    ``company_ids`` replaced by their values. :raises ValueError: for any other name."""
    tree = ast.parse(str(text).strip(), mode="eval")

    class Values(ast.NodeTransformer):
        def visit_Attribute(self, node):
            if isinstance(node.value, ast.Name) and node.value.id == "user" \
                    and node.attr == "id":
                return ast.copy_location(ast.Constant(uid), node)
            raise ValueError(f"unsupported name in a rule's domain: {ast.unparse(node)}")

        def visit_Name(self, node):
            if node.id == "company_ids":
                return ast.copy_location(ast.Constant(tuple(company_ids)), node)
            if node.id == "company_id":
                return ast.copy_location(ast.Constant(company_ids[0] if company_ids
                                                      else False), node)
            raise ValueError(f"unsupported name in a rule's domain: {node.id}")

    domain = ast.literal_eval(Values().visit(tree).body)
    if not isinstance(domain, (list, tuple)):
        raise ValueError(f"a rule's domain must be a list: {text!r}")
    return [list(leaf) if isinstance(leaf, tuple) else leaf for leaf in domain]


MODELS = [IrModelAccess, IrRule]
