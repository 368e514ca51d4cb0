"""mail: the mail.thread mixin (message_post, tracking), mail.message, mail.tracking.value,
mail.activity, the chatter JSON route formats per version, sms.sms and sms.composer."""

import datetime as dt
import html
import re

from ..exceptions import MissingError, UserError, ValidationError, no_such_method
from ..odoo_texts import NO_SENDER_EMAIL, odoo_text
from ..orm import (
    BaseModel,
    Boolean,
    Char,
    Date,
    Datetime,
    Float,
    Html,
    Integer,
    Many2many,
    Many2one,
    One2many,
    Selection,
    Text,
    api_model,
    now_str,
)
from .base import phone_format

FORBIDDEN_POST_KEYS = ("model", "res_id", "subtype")


def plaintext2html(text):
    text = html.escape(text or "")
    text = text.replace("\n", "<br>")
    return f"<p>{text}</p>"


class MailThread(BaseModel):
    """Abstract mixin: chatter fields, message_post and field tracking."""
    _mail_thread = True
    _track_fields = ()

    message_ids = One2many("mail.message", "res_id", "Messages")
    website_message_ids = One2many("mail.message", "res_id", "Website Messages")
    message_follower_ids = One2many("mail.followers", "res_id", "Followers")
    message_partner_ids = Many2many("res.partner", "Followers (Partners)", compute=True)
    message_is_follower = Boolean("Is Follower", compute=True)
    message_needaction = Boolean("Action Needed", compute=True)
    message_needaction_counter = Integer("Number of Actions", compute=True)
    message_has_error = Boolean("Message Delivery error", compute=True)
    message_has_error_counter = Integer("Number of errors", compute=True)
    message_has_sms_error = Boolean("SMS Delivery error", compute=True)
    message_attachment_count = Integer("Attachment Count", compute=True)
    message_main_attachment_id = Many2one("ir.attachment", "Main Attachment", versions=(None, 16))
    has_message = Boolean("Has Message", compute=True)
    activity_ids = One2many("mail.activity", "res_id", "Activities")
    activity_state = Selection([["overdue", "Overdue"], ["today", "Today"],
                                ["planned", "Planned"]], "Activity State", compute=True)
    activity_user_id = Many2one("res.users", "Responsible User", compute=True)
    activity_type_id = Many2one("mail.activity.type", "Next Activity Type", compute=True)
    activity_type_icon = Char("Activity Type Icon", compute=True)
    activity_date_deadline = Date("Next Activity Deadline", compute=True)
    my_activity_date_deadline = Date("My Activity Deadline", compute=True)
    activity_summary = Char("Next Activity Summary", compute=True)
    activity_exception_decoration = Selection([["warning", "Alert"], ["danger", "Error"]],
                                              "Activity Exception Decoration", compute=True)
    activity_exception_icon = Char("Icon", compute=True)
    activity_calendar_event_id = Many2one("calendar.event", "Next Activity Calendar Event",
                                          compute=True)

    def _compute_message_ids(self, rid, rec):
        """As Odoo reads the one2many (mail/models/mail_thread.py: domain message_type !=
        user_notification): in mail.message's order, newest first, so a web_read `limit` of
        message_ids gives the newest."""
        msgs = self.env.store.data.get("mail.message", {})
        return sorted((mid for mid, m in msgs.items() if m.get("res_id") == rid
                       and m.get("model") == self._name
                       and m.get("message_type") != "user_notification"), reverse=True)

    _compute_website_message_ids = _compute_message_ids

    def _compute_message_follower_ids(self, rid, rec):
        return []

    def _compute_has_message(self, rid, rec):
        return bool(self._compute_message_ids(rid, rec))

    def _activities(self, rid):
        acts = self.env.store.data.get("mail.activity", {})
        return sorted(((a.get("date_deadline") or "", aid) for aid, a in acts.items()
                       if a.get("res_id") == rid and a.get("res_model") == self._name
                       and a.get("active", True)))

    def _compute_activity_ids(self, rid, rec):
        return [aid for _, aid in self._activities(rid)]

    def _compute_activity_date_deadline(self, rid, rec):
        acts = self._activities(rid)
        return acts[0][0] if acts else False

    def _compute_activity_state(self, rid, rec):
        acts = self._activities(rid)
        if not acts:
            return False
        return self.env["mail.activity"]._compute_state(acts[0][1],
                                                        self.env["mail.activity"].records[acts[0][1]])

    def _compute_activity_user_id(self, rid, rec):
        acts = self._activities(rid)
        return self.env.store.data["mail.activity"][acts[0][1]].get("user_id") if acts else False

    def _compute_activity_type_id(self, rid, rec):
        acts = self._activities(rid)
        return (self.env.store.data["mail.activity"][acts[0][1]].get("activity_type_id")
                if acts else False)

    def _compute_activity_summary(self, rid, rec):
        acts = self._activities(rid)
        return self.env.store.data["mail.activity"][acts[0][1]].get("summary") if acts else False

    def activity_schedule(self, ids, act_type_xmlid="", date_deadline=None, summary="",
                          note="", **act_values):
        """mail.thread.activity_schedule: one activity per record; 16-18 serialize the
        new records as their repr ("mail.activity(4,)"), 19 as a list of ids."""
        types = self.env["mail.activity.type"]
        if act_type_xmlid:
            type_id = self.env.ref(act_type_xmlid)
        else:
            type_id = act_values.get("activity_type_id") or False
        if not type_id or type_id not in types.records:
            type_id = self.env.ref("mail.mail_activity_data_todo") or False
        atype = types.records.get(type_id, {})
        if not date_deadline:
            today = dt.date.fromisoformat(self.env.state.today_for_user(self.env.uid))
            date_deadline = (today + dt.timedelta(days=atype.get("delay_count") or 0)).isoformat()
        activity = self.env["mail.activity"]
        new_ids = []
        for rid in ids:
            vals = {"activity_type_id": type_id, "summary": summary or atype.get("summary")
                    or False, "note": note or False, "date_deadline": date_deadline,
                    "res_model_id": self.env.state.model_id(self._name), "res_id": rid}
            vals.update(act_values)
            if not vals.get("user_id"):
                vals["user_id"] = self.env.uid
            new_ids.append(activity.create(vals))
        if self.version >= 19:
            return new_ids
        return f"mail.activity({''.join(f'{i},' for i in new_ids)})"

    # -- message_post ---------------------------------------------------------------------
    def message_post(self, ids, body="", subject=None, message_type="notification",
                     subtype_xmlid=None, subtype_id=None, partner_ids=None, attachment_ids=None,
                     author_id=None, body_is_html=False, parent_id=None, email_from=None,
                     attachments=None, **kwargs):
        for key in FORBIDDEN_POST_KEYS:
            if key in kwargs:
                raise ValueError("message_post doesn't support model and res_id parameters "
                                 "anymore. Please call message_post on record.")
        if kwargs:
            bad = next(iter(kwargs))
            raise TypeError(f"{type(self).__name__}.message_post() got an unexpected keyword "
                            f"argument '{bad}'")
        if message_type == "user_notification":
            raise ValueError("Use message_notify to send a notification to an user.")
        ids = list(ids if isinstance(ids, list) else [ids])
        if len(ids) != 1:
            raise ValueError(f"Expected singleton: {self._name}({', '.join(map(str, ids))},)")
        rid = ids[0]
        self._check_acl("read")
        if rid not in self.records:
            raise self._missing(rid)
        self._check_rules([rid], "read")
        author = author_id or self.env.partner_id
        partner = self.env.store.data["res.partner"].get(author, {})
        if self.version <= 18 and not partner.get("email") and not email_from:
            raise UserError(odoo_text(self.env, NO_SENDER_EMAIL))
        if isinstance(body, str) and body and not body_is_html and self.version >= 16:
            body = plaintext2html(body) if not body.lstrip().startswith("<") else body
        elif isinstance(body, str) and body and not body.lstrip().startswith("<"):
            body = plaintext2html(body)
        if subtype_xmlid:
            subtype = self.env.ref(subtype_xmlid if "." in subtype_xmlid
                                   else "mail." + subtype_xmlid)
        else:
            subtype = subtype_id or (self.env.ref("mail.mt_note")
                                     if message_type == "notification" else False)
        if email_from is None and partner.get("email"):
            email_from = f"\"{partner.get('name')}\" <{partner.get('email')}>"
        mid = self.env.sudo()["mail.message"]._create_one({
            "model": self._name, "res_id": rid, "body": body or "",
            "subject": subject or False, "message_type": message_type,
            "subtype_id": subtype or False, "author_id": author,
            "email_from": email_from or False,
            "partner_ids": [(6, 0, partner_ids or [])],
            "attachment_ids": [(6, 0, attachment_ids or [])],
            "parent_id": parent_id or False,
            "record_name": self.display_name_of(rid),
        })
        self.env.sudo()["mail.mail"].notify_by_email(mid, partner_ids or [], author)
        return [mid] if self.version >= 19 else mid

    def _missing(self, rid):
        from ..exceptions import MissingError
        return MissingError(self._missing_message([rid]))

    @api_model
    def message_subscribe(self, ids, partner_ids=None, subtype_ids=None):
        return True

    # -- tracking -----------------------------------------------------------------------------
    def _tracked_fields(self, vals):
        return [fn for fn in self._track_fields if fn in vals and fn in self.fields]

    def _track_subtype(self, rid, changed):
        return self.env.ref("mail.mt_note")

    def _track(self, rid, old_values):
        changed = [fn for fn, old in old_values.items() if self.raw_value(rid, fn) != old]
        if not changed:
            return
        env = self.env.sudo()
        mid = env["mail.message"]._create_one({
            "model": self._name, "res_id": rid, "body": "", "message_type": "notification",
            "subtype_id": self._track_subtype(rid, changed) or False,
            "author_id": self.env.partner_id, "record_name": self.display_name_of(rid),
        })
        for fn in changed:
            env["mail.tracking.value"]._create_one(
                self._tracking_vals(mid, fn, old_values[fn], self.raw_value(rid, fn)))

    def _tracking_vals(self, mid, fname, old, new):
        f = self.fields[fname]
        field_rec = self.env.state.field_id(self._name, fname)
        vals = {"mail_message_id": mid}
        if self.version >= 17:
            vals["field_id"] = field_rec
        else:
            vals.update({"field": field_rec, "field_desc": f.string, "field_type": f.type})

        def conv(value, side):
            if f.type == "many2one":
                vals[f"{side}_value_integer"] = value or 0
                vals[f"{side}_value_char"] = (self.env.sudo()[f.relation].display_name_of(value)
                                              if value else "")
            elif f.type == "selection":
                label = dict(f.get_selection(self.version, self)).get(value, "")
                vals[f"{side}_value_char"] = label or ""
            elif f.type in ("datetime", "date"):
                vals[f"{side}_value_datetime"] = (value + " 00:00:00" if value and len(value) == 10
                                                  else value) or False
            elif f.type in ("integer", "boolean"):
                vals[f"{side}_value_integer"] = int(value or 0)
            elif f.type in ("float", "monetary"):
                vals[f"{side}_value_float"] = float(value or 0)
            else:
                vals[f"{side}_value_char"] = value or ""
        conv(old, "old")
        conv(new, "new")
        return vals

    def _after_create_message(self, rid, text):
        """Odoo's creation note ("<p>Field Service Order created</p>")."""
        self.env.sudo()["mail.message"]._create_one({
            "model": self._name, "res_id": rid, "body": f"<p>{text}</p>",
            "message_type": "notification", "subtype_id": self.env.ref("mail.mt_note"),
            "author_id": self.env.partner_id, "record_name": self.display_name_of(rid),
            "email_from": False,
        })


class MessageSubtype(BaseModel):
    _name = "mail.message.subtype"
    _description = "Message subtypes"
    _order = "sequence, id"
    name = Char("Message Type", required=True, translate=True)
    description = Text("Description", translate=True)
    internal = Boolean("Internal Only")
    res_model = Char("Model")
    sequence = Integer("Sequence", default=1)
    default = Boolean("Default", default=True)


class Message(BaseModel):
    _name = "mail.message"
    _description = "Message"
    _order = "id desc"
    _rec_name = "record_name"
    subject = Char("Subject")
    date = Datetime("Date", default=lambda m: now_str())
    body = Html("Contents", default="")
    model = Char("Related Document Model")
    res_id = Integer("Related Document ID")
    record_name = Char("Message Record Name")
    message_type = Selection([["email", "Email"], ["comment", "Comment"],
                              ["notification", "System notification"],
                              ["user_notification", "User Specific Notification"],
                              ["sms", "SMS"]],
                             "Type", required=True, default="email")
    subtype_id = Many2one("mail.message.subtype", "Subtype")
    author_id = Many2one("res.partner", "Author")
    email_from = Char("From")
    partner_ids = Many2many("res.partner", "Recipients")
    attachment_ids = Many2many("ir.attachment", "Attachments")
    parent_id = Many2one("mail.message", "Parent Message")
    tracking_value_ids = One2many("mail.tracking.value", "mail_message_id", "Tracking values",
                                  groups="base.group_system")
    starred = Boolean("Starred", compute=True)
    needaction = Boolean("Need Action", compute=True)
    is_internal = Boolean("Employee Only")

    def _compute_display_name(self, rid, rec):
        return rec.get("record_name") or rec.get("subject") or f"mail.message,{rid}"

    def _compute_tracking_value_ids(self, rid, rec):
        vals = self.env.store.data.get("mail.tracking.value", {})
        return [tid for tid, t in vals.items() if t.get("mail_message_id") == rid]

    def _subtype(self, rec):
        sid = rec.get("subtype_id")
        return sid, (self.env.store.data["mail.message.subtype"].get(sid, {}) if sid else {})

    # -- formats for the chatter --------------------------------------------------------------
    def message_format(self, ids, format_reply=True, **kw):
        if self.version >= 17:
            raise no_such_method("mail.message", "message_format", self.version)
        return [self._format_16(mid) for mid in ids if mid in self.records]

    def _tracking_16_17(self, mid):
        out = []
        for tid in sorted(self._compute_tracking_value_ids(mid, None)):
            t = self.env.store.data["mail.tracking.value"][tid]
            tv = self.env["mail.tracking.value"]
            ftype, label, fname = tv._field_meta(t)
            old = tv._display_value(t, "old", ftype)
            new = tv._display_value(t, "new", ftype)
            if self.version <= 16:
                out.append({"changedField": label, "id": tid,
                            "newValue": {"currencyId": False, "fieldType": ftype, "value": new},
                            "oldValue": {"currencyId": False, "fieldType": ftype, "value": old}})
            elif self.version <= 18:
                out.append({"changedField": label, "id": tid, "fieldName": fname,
                            "fieldType": ftype,
                            "newValue": {"currencyId": False, "value": new},
                            "oldValue": {"currencyId": False, "value": old}})
            else:
                out.append({"id": tid, "fieldInfo": {"changedField": label, "currencyId": False,
                                                     "floatPrecision": None, "fieldType": ftype,
                                                     "isPropertyField": False},
                            "newValue": new, "oldValue": old})
        return out

    def _module_icon(self, model):
        return "/fieldservice/static/description/icon.png" if model and model.startswith("fsm.") \
            else "/base/static/description/icon.png"

    def _format_16(self, mid):
        m = self.records[mid]
        sid, st = self._subtype(m)
        author = self.env.store.data["res.partner"].get(m.get("author_id"), {})
        return {
            "id": mid, "body": m.get("body") or "", "date": m.get("date"),
            "email_from": m.get("email_from") or False,
            "message_type": m.get("message_type"),
            "subtype_id": [sid, st.get("name")] if sid else False,
            "subject": m.get("subject") or False, "model": m.get("model"),
            "res_id": m.get("res_id"), "record_name": m.get("record_name") or False,
            "starred_partner_ids": [],
            "author": {"id": m.get("author_id"), "name": author.get("name")}
            if m.get("author_id") else [["clear"]],
            "guestAuthor": [["clear"]], "notifications": [], "attachment_ids": [],
            "trackingValues": self._tracking_16_17(mid), "linkPreviews": [],
            "messageReactionGroups": [], "needaction_partner_ids": [], "history_partner_ids": [],
            "is_note": sid == self.env.ref("mail.mt_note"),
            "is_discussion": sid == self.env.ref("mail.mt_comment"),
            "subtype_description": st.get("description") or False,
            "is_notification": False, "recipients": [],
            "module_icon": self._module_icon(m.get("model")), "sms_ids": [],
        }

    def _author_17(self, pid):
        partner = self.env.store.data["res.partner"].get(pid, {})
        users = [uid for uid, u in self.env.store.data["res.users"].items()
                 if u.get("partner_id") == pid]
        return {"id": pid, "name": partner.get("name"), "is_company": bool(partner.get("is_company")),
                "user": {"id": users[0], "isInternalUser": True} if users else False,
                "type": "partner"}

    def _format_17(self, mid):
        m = self.records[mid]
        sid, st = self._subtype(m)
        return {
            "id": mid, "body": m.get("body") or "", "date": m.get("date"),
            "email_from": m.get("email_from") or False, "message_type": m.get("message_type"),
            "subtype_id": [sid, st.get("name")] if sid else False,
            "subject": m.get("subject") or False, "model": m.get("model"),
            "res_id": m.get("res_id"), "record_name": m.get("record_name") or False,
            "starred_partner_ids": [], "author": self._author_17(m.get("author_id")),
            "default_subject": m.get("record_name") or False, "notifications": [],
            "attachments": [], "trackingValues": self._tracking_16_17(mid), "linkPreviews": [],
            "reactions": [], "pinned_at": False, "create_date": m.get("create_date"),
            "write_date": m.get("write_date"), "needaction_partner_ids": [],
            "history_partner_ids": [], "is_note": sid == self.env.ref("mail.mt_note"),
            "is_discussion": sid == self.env.ref("mail.mt_comment"),
            "subtype_description": st.get("description") or False, "recipients": [],
            "scheduledDatetime": False, "module_icon": self._module_icon(m.get("model")),
            "sms_ids": [],
        }

    def _store_18(self, mids, model, res_id):
        partners = {}
        messages = []
        for mid in mids:
            m = self.records[mid]
            sid, st = self._subtype(m)
            pid = m.get("author_id")
            if pid:
                partners[pid] = True
            base = {
                "attachment_ids": [], "body": m.get("body") or "",
                "create_date": m.get("create_date"), "date": m.get("date"),
                "default_subject": m.get("record_name") or False,
                "email_from": m.get("email_from") or False, "id": mid,
                "message_type": m.get("message_type"), "model": m.get("model"),
                "needaction": False, "pinned_at": False, "reactions": [],
                "record_name": m.get("record_name") or False, "res_id": m.get("res_id"),
                "scheduledDatetime": False, "starred": False, "subject": m.get("subject") or False,
                "thread": {"id": m.get("res_id"), "model": m.get("model")},
                "trackingValues": self._tracking_16_17(mid), "write_date": m.get("write_date"),
            }
            if self.version == 18:
                base.update({"author": {"id": pid, "type": "partner"} if pid else False,
                             "is_discussion": sid == self.env.ref("mail.mt_comment"),
                             "is_note": sid == self.env.ref("mail.mt_note"),
                             "linkPreviews": [], "notifications": [], "recipients": [],
                             "subtype_description": st.get("description") or False})
            else:
                body = base["body"]
                base.update({"author_guest_id": False, "author_id": pid or False,
                             "body": ["markup", body] if body else "",
                             "incoming_email_cc": False, "incoming_email_to": False,
                             "message_link_preview_ids": [], "notification_ids": [],
                             "partner_ids": [], "subtype_id": sid or False})
            messages.append(dict(sorted(base.items())))
        thread_name = self.env.sudo()[model].display_name_of(res_id) if model in self.env else ""
        thread = {"id": res_id, "model": model, "module_icon": self._module_icon(model)}
        data = {"mail.message": messages}
        if self.version >= 19:
            thread["display_name"] = thread_name
            subtypes = sorted({self.records[mid].get("subtype_id") for mid in mids} - {None, False})
            data["mail.message.subtype"] = [
                {"description": self.env.store.data["mail.message.subtype"][s].get("description")
                 or False, "id": s} for s in subtypes]
        else:
            thread["name"] = thread_name
        data["mail.thread"] = [dict(sorted(thread.items()))]
        plist, ulist = [], []
        for pid in partners:
            p = self.env.store.data["res.partner"].get(pid, {})
            uids = [uid for uid, u in self.env.store.data["res.users"].items()
                    if u.get("partner_id") == pid]
            if self.version == 18:
                plist.append({"id": pid, "isInternalUser": bool(uids),
                              "is_company": bool(p.get("is_company")), "name": p.get("name"),
                              "userId": uids[0] if uids else False,
                              "write_date": p.get("write_date")})
            else:
                plist.append({"avatar_128_access_token": f"emulator{pid:08x}", "id": pid,
                              "is_company": bool(p.get("is_company")),
                              "main_user_id": uids[0] if uids else False,
                              "name": p.get("name"), "write_date": p.get("write_date")})
                if uids:
                    ulist.append({"id": uids[0], "share": False})
        data["res.partner"] = plist
        if self.version >= 19:
            data["res.users"] = ulist
        return {"data": data, "messages": list(mids)}

    def thread_messages(self, thread_model, thread_id, limit=30, before=None, after=None,
                        search_term=None, around=None):
        """The JSON route /mail/thread/messages, in this version's format."""
        if thread_model not in self.env:
            raise KeyError(thread_model)
        doc = self.env[thread_model]
        doc._check_acl("read")
        if thread_id in doc.records:
            doc._check_rules([thread_id], "read")
        mids = sorted((mid for mid, m in self.records.items()
                       if m.get("model") == thread_model and m.get("res_id") == thread_id
                       and m.get("message_type") != "user_notification"), reverse=True)
        if before:
            mids = [m for m in mids if m < before]
        if after:
            mids = [m for m in mids if m > after]
        mids = mids[:limit or 30]
        if self.version <= 16:
            return [self._format_16(mid) for mid in mids]
        if self.version == 17:
            return {"messages": [self._format_17(mid) for mid in mids]}
        return self._store_18(mids, thread_model, thread_id)


class TrackingValue(BaseModel):
    _name = "mail.tracking.value"
    _description = "Mail Tracking Value"
    _order = "id"
    _rec_name = "field_id"
    field_id = Many2one("ir.model.fields", "Changed Field", versions=(17, None))
    field = Many2one("ir.model.fields", "Changed Field", versions=(None, 16))
    field_desc = Char("Field Description", versions=(None, 16))
    field_type = Char("Field Type", versions=(None, 16))
    old_value_integer = Integer("Old Value Integer")
    old_value_float = Float("Old Value Float")
    old_value_char = Char("Old Value Char")
    old_value_text = Text("Old Value Text")
    old_value_datetime = Datetime("Old Value DateTime")
    new_value_integer = Integer("New Value Integer")
    new_value_float = Float("New Value Float")
    new_value_char = Char("New Value Char")
    new_value_text = Text("New Value Text")
    new_value_datetime = Datetime("New Value Datetime")
    currency_id = Many2one("res.currency", "Currency")
    mail_message_id = Many2one("mail.message", "Message ID", required=True)

    def _compute_display_name(self, rid, rec):
        fid = rec.get("field_id") or rec.get("field")
        if fid:
            return self.env["ir.model.fields"].display_name_of(fid)
        return f"mail.tracking.value,{rid}"

    def _field_meta(self, t):
        fid = t.get("field_id") or t.get("field")
        frec = self.env.store.data["ir.model.fields"].get(fid, {})
        return frec.get("ttype"), frec.get("field_description"), frec.get("name")

    def _display_value(self, t, side, ftype):
        if ftype in ("datetime", "date"):
            return t.get(f"{side}_value_datetime") or False
        if ftype in ("integer", "boolean"):
            return t.get(f"{side}_value_integer") or 0
        if ftype in ("float", "monetary"):
            return t.get(f"{side}_value_float") or 0.0
        return t.get(f"{side}_value_char") or False


class Followers(BaseModel):
    _name = "mail.followers"
    _description = "Document Followers"
    res_model = Char("Related Document Model Name", required=True)
    res_id = Integer("Related Document ID")
    partner_id = Many2one("res.partner", "Related Partner")


class ActivityType(BaseModel):
    _name = "mail.activity.type"
    _description = "Activity Type"
    _order = "sequence, id"
    name = Char("Name", required=True, translate=True)
    summary = Char("Default Summary")
    sequence = Integer("Sequence", default=10)
    icon = Char("Icon")
    delay_count = Integer("Schedule")
    res_model = Char("Model")
    category = Selection([["default", "None"], ["upload_file", "Upload Document"],
                          ["phonecall", "Phonecall"]], "Action", default="default")
    active = Boolean("Active", default=True)


class Activity(BaseModel):
    _name = "mail.activity"
    _description = "Activity"
    _order = "date_deadline ASC, id ASC"
    _rec_name = "summary"
    res_model_id = Many2one("ir.model", "Document Model", required=True)
    res_model = Char("Related Document Model", store=True)
    res_id = Integer("Related Document ID", required=True)
    res_name = Char("Document Name", compute=True)
    activity_type_id = Many2one("mail.activity.type", "Activity Type")
    summary = Char("Summary")
    note = Html("Note")
    date_deadline = Date("Due Date", required=True)
    user_id = Many2one("res.users", "Assigned to", default=lambda m: m.env.uid)
    state = Selection([["overdue", "Overdue"], ["today", "Today"], ["planned", "Planned"]],
                      "State", compute=True)
    create_uid = Many2one("res.users", "Created by")
    # 17+ can keep done activities (archived); 19 does so by default.
    active = Boolean("Active", default=True, versions=(17, None))

    def _compute_display_name(self, rid, rec):
        if rec.get("summary"):
            return rec["summary"]
        atype = self.env["mail.activity.type"].records.get(rec.get("activity_type_id"), {})
        return atype.get("name") or f"mail.activity,{rid}"

    def _compute_res_name(self, rid, rec):
        model = rec.get("res_model")
        if model in self.env:
            return self.env.sudo()[model].display_name_of(rec.get("res_id"))
        return False

    def _compute_state(self, rid, rec):
        today = self.env.state.today_for_user(rec.get("user_id") or self.env.uid)
        deadline = rec.get("date_deadline")
        if not deadline:
            return False
        if deadline < today:
            return "overdue"
        if deadline == today:
            return "today"
        return "planned"

    def _prepare_create(self, vals):
        if vals.get("res_model_id") and not vals.get("res_model"):
            vals["res_model"] = self.env["ir.model"].records.get(vals["res_model_id"], {}).get("model")
        elif vals.get("res_model") and not vals.get("res_model_id"):
            vals["res_model_id"] = self.env.state.model_id(vals["res_model"])
        if not vals.get("date_deadline"):
            vals["date_deadline"] = self.env.state.today_for_user(self.env.uid)
        return vals

    def _after_create(self, rid, vals):
        rec = self.records[rid]
        model = rec.get("res_model")
        if model not in self.env:
            raise ValidationError(f"Invalid model {model!r}")
        doc = self.env[model]
        if rec.get("res_id") not in doc.records:
            raise ValidationError("The document this activity relates to does not exist.")

    def action_feedback(self, ids, feedback=False, attachment_ids=None):
        mids = self._action_done(ids, feedback)
        return mids[0] if mids else False

    def action_done(self, ids):
        self._action_done(ids, False)
        return True

    def _action_done(self, ids, feedback):
        self._check_acl("write")
        mids = []
        for aid in ids:
            rec = self.records.get(aid)
            if rec is None:
                raise MissingError(self._missing_message([aid]))
            atype = self.env["mail.activity.type"].records.get(rec.get("activity_type_id"), {})
            body = f"<p>{html.escape(atype.get('name') or 'Activity')} done"
            if rec.get("summary"):
                body += f": {html.escape(rec['summary'])}"
            body += "</p>"
            if feedback:
                body += f"<div><p>Feedback:</p><p>{html.escape(feedback)}</p></div>"
            model = rec.get("res_model")
            mid = self.env.sudo()["mail.message"]._create_one({
                "model": model, "res_id": rec.get("res_id"), "body": body,
                "message_type": "notification",
                "subtype_id": self.env.ref("mail.mt_activities"),
                "author_id": self.env.partner_id,
                "record_name": self._compute_res_name(aid, rec),
            })
            mids.append(mid)
            if self.version >= 19:
                self._write_one(aid, {"active": False})
            else:
                self._unlink_one(aid)
        return mids


def _country_code(env, model, rid):
    """The country a record's numbers are read in: its own country_id, else the user's
    company's (Odoo's _phone_get_country, then env.company)."""
    data = env.store.data
    country = model.raw_value(rid, "country_id") if model is not None and \
        "country_id" in model.fields else False
    if not country:
        company = data["res.users"].get(env.uid, {}).get("company_id")
        cpartner = data["res.company"].get(company, {}).get("partner_id")
        country = data["res.partner"].get(cpartner, {}).get("country_id")
    return data["res.country"].get(country, {}).get("code") if country else None


def _status_selection(version):
    if version >= 17:
        return [["ready", "Ready to Send"], ["process", "Processing"], ["pending", "Sent"],
                ["sent", "Delivered"], ["bounce", "Bounced"], ["exception", "Exception"],
                ["canceled", "Cancelled"]]
    return [["ready", "Ready to Send"], ["sent", "Sent"], ["bounce", "Bounced"],
            ["exception", "Exception"], ["canceled", "Canceled"]]


MAIL_FAILURES = [["unknown", "Unknown error"],
                 ["mail_email_invalid", "Invalid email address"],
                 ["mail_email_missing", "Missing email address"],
                 ["mail_smtp", "Connection failed (outgoing mail server problem)"],
                 ["mail_bounce", "Bounce"]]
SMS_FAILURES = [["sms_number_missing", "Missing Number"],
                ["sms_number_format", "Wrong Number Format"],
                ["sms_credit", "Insufficient Credit"],
                ["sms_server", "Server Error"], ["sms_acc", "Unregistered Account"]]


class Notification(BaseModel):
    """mail.notification: one per recipient of a message; SMS ones mirror their sms.sms state,
    which internal users may read (sms.sms itself is for administrators only)."""
    _name = "mail.notification"
    _description = "Message Notifications"
    _rec_name = "res_partner_id"
    _order = "id"
    mail_message_id = Many2one("mail.message", "Message", required=True)
    res_partner_id = Many2one("res.partner", "Recipient")
    author_id = Many2one("res.partner", "Author")
    notification_type = Selection([["inbox", "Inbox"], ["email", "Email"], ["sms", "SMS"]],
                                  "Notification Type", default="inbox", required=True)
    notification_status = Selection(_status_selection, "Status", default="ready")
    failure_type = Selection(MAIL_FAILURES + SMS_FAILURES, "Failure type")
    failure_reason = Text("Failure reason")
    mail_mail_id = Many2one("mail.mail", "Mail")
    is_read = Boolean("Is Read")
    sms_number = Char("SMS Number")
    sms_id = Many2one("sms.sms", "SMS", versions=(None, 16))
    sms_id_int = Integer("SMS ID", versions=(17, None))


# What the emulator's outgoing mail server does (handle.set_mail_server): "sent" (a working
# server), "queue" (Odoo leaves the mail for its mail cron: state outgoing / ready) or
# "refused" (no SMTP server, as recorded: the RPC succeeds, the mail ends in exception).
MAIL_SERVER_MODES = ("sent", "queue", "refused")
SMTP_REFUSED = "111\nConnection refused"


class MailMail(BaseModel):
    """mail.mail: the outgoing email of a message to partners who are not (inbox) users (and
    the invoice mails of models/account.py, which end in exception as recorded).
    For administrators only (mail/security/ir.model.access.csv: base.group_system); everyone
    else reads what happened from the recipient's mail.notification, kept in step. Sent
    notification emails are deleted (``auto_delete``), failed ones stay with their reason;
    Odoo sends them at once (``force_send``) inside the posting RPC, as recorded."""
    _name = "mail.mail"
    _description = "Outgoing Mails"
    _order = "id desc"
    _rec_name = "subject"
    mail_message_id = Many2one("mail.message", "Message")
    subject = Char("Subject")
    body_html = Text("Text Contents")
    email_to = Text("To")
    email_from = Char("From")
    recipient_ids = Many2many("res.partner", "To (Partners)")
    attachment_ids = Many2many("ir.attachment", "Attachments")
    model = Char("Related Document Model")
    res_id = Integer("Related Document ID")
    state = Selection([["outgoing", "Outgoing"], ["sent", "Sent"], ["received", "Received"],
                       ["exception", "Delivery Failed"], ["cancel", "Cancelled"]], "Status",
                      default="outgoing")
    failure_type = Selection(MAIL_FAILURES, "Failure type")
    failure_reason = Text("Failure Reason")
    auto_delete = Boolean("Auto Delete", default=True)

    def notify_by_email(self, mid, partner_ids, author):
        """_notify_thread_by_email: one mail.mail per recipient partner without an inbox user
        (customers), with the message's attachments, and its email notification; sent at
        once."""
        partners = self.env["res.partner"].records
        users = self.env["res.users"].records
        message = self.env["mail.message"].records[mid]
        for partner in partner_ids:
            if partner == author or partner not in partners:
                continue
            if any(u.get("partner_id") == partner and u.get("active", True)
                   for u in users.values()):
                continue  # internal users are notified in their Odoo inbox
            email = partners[partner].get("email") or ""
            mail = self._create_one({
                "mail_message_id": mid, "model": message.get("model") or False,
                "res_id": message.get("res_id") or 0,
                "attachment_ids": [(6, 0, list(message.get("attachment_ids") or []))],
                "subject": message.get("subject") or False,
                "body_html": message.get("body") or "", "email_to": False,
                "email_from": message.get("email_from") or False,
                "recipient_ids": [(6, 0, [partner])]})
            notif = self.env["mail.notification"]._create_one({
                "mail_message_id": mid, "res_partner_id": partner, "author_id": author,
                "notification_type": "email", "notification_status": "ready",
                "mail_mail_id": mail})
            self._send(mail, notif, email)

    def _send(self, mail, notif, email):
        mode = getattr(self.env.state, "mail_server", "sent")
        if mode == "queue":
            return
        if not email:
            result = ("exception", "mail_email_missing", "Missing email address")
        elif "@" not in email:
            result = ("exception", "mail_email_invalid", f"Invalid email address {email!r}")
        elif mode == "refused":
            result = ("exception", "mail_smtp", SMTP_REFUSED)
        else:
            result = ("sent", False, False)
        state, failure_type, reason = result
        self._write_one(mail, {"state": state, "failure_type": failure_type,
                               "failure_reason": reason})
        self.env["mail.notification"]._write_one(notif, {
            "notification_status": state, "failure_type": failure_type,
            "failure_reason": reason})
        if state == "sent" and self.records[mail].get("auto_delete", True):
            self._unlink_one(mail)


class Sms(BaseModel):
    _name = "sms.sms"
    _description = "Outgoing SMS"
    _rec_name = "number"
    _order = "id DESC"
    number = Char("Number")
    body = Text("Body")
    partner_id = Many2one("res.partner", "Customer")
    mail_message_id = Many2one("mail.message")
    state = Selection(lambda v: [["outgoing", "In Queue"], ["process", "Processing"],
                                 ["pending", "Sent"], ["sent", "Delivered"], ["error", "Error"],
                                 ["canceled", "Cancelled"]] if v >= 17 else
                      [["outgoing", "In Queue"], ["sent", "Sent"], ["error", "Error"],
                       ["canceled", "Canceled"]], "SMS Status", default="outgoing", required=True)
    failure_type = Selection(SMS_FAILURES, "Failure Type")

    def send(self, ids, unlink_failed=False, unlink_sent=True, auto_commit=False,
             raise_exception=False):
        """Through IAP, as recorded: without SMS credit every message ends in 'error' with
        failure_type 'sms_server'. With credit (handle.set_sms_credit(True)) valid numbers end
        'sent' (17+: 'pending', awaiting the delivery report). Notifications follow."""
        for sid in ids:
            rec = self.records.get(sid)
            if rec is None:
                continue
            digits = re.sub(r"[^\d]", "", rec.get("number") or "")
            if not rec.get("number"):
                rec.update(state="error", failure_type="sms_number_missing")
            elif len(digits) < 7:
                rec.update(state="error", failure_type="sms_number_format")
            elif not getattr(self.env.state, "sms_credit", False):
                rec.update(state="error", failure_type="sms_server")
            else:
                rec.update(state="pending" if self.version >= 17 else "sent", failure_type=False)
            self.env.store.save(self._name, sid)
            self._sync_notifications(sid, rec)
        self.env.state.log(f"sms recorded: {len(ids)} message(s)")
        return None

    def _sync_notifications(self, sid, rec):
        notifs = self.env.sudo()["mail.notification"]
        key = "sms_id" if self.version <= 16 else "sms_id_int"
        status = {"error": "exception", "pending": "pending", "sent": "sent",
                  "canceled": "canceled"}.get(rec.get("state"), "ready")
        for nid, notif in notifs.records.items():
            if notif.get(key) == sid:
                notif.update(notification_status=status,
                             failure_type=rec.get("failure_type") or False)
                self.env.store.save("mail.notification", nid)

    def action_set_canceled(self, ids):
        for sid in ids:
            if sid in self.records:
                self.records[sid]["state"] = "canceled"
                self.env.store.save(self._name, sid)
                self._sync_notifications(sid, self.records[sid])
        return None


class SmsComposer(BaseModel):
    _name = "sms.composer"
    _description = "Send SMS Wizard"
    _transient = True
    composition_mode = Selection([["numbers", "Send to numbers"], ["comment", "Post on a document"],
                                  ["mass", "Send SMS in batch"]], "Composition Mode",
                                 default="comment", required=True)
    res_model = Char("Document Model Name")
    res_id = Integer("Document ID")
    res_ids = Char("Document IDs")
    numbers = Char("Recipients (Numbers)")
    body = Text("Message", required=True)
    number_field_name = Char("Number Field")
    recipient_single_number = Char("Stored Recipient Number", compute=True)
    recipient_single_number_itf = Char("Recipient Number")
    recipient_single_valid = Boolean("Is valid", compute=True)
    recipient_single_description = Text("Recipients (Partners)", compute=True)

    def _prepare_create(self, vals):
        ctx = self.env.context
        vals.setdefault("res_model", ctx.get("default_res_model") or ctx.get("active_model") or False)
        vals.setdefault("res_id", ctx.get("default_res_id") or ctx.get("active_id") or 0)
        if not vals.get("number_field_name") and vals.get("composition_mode", "comment") == "comment":
            vals["number_field_name"] = self._guess_number_field(vals)
        return vals

    def _target(self, rec):
        model, res_id = rec.get("res_model"), rec.get("res_id")
        if model and model in self.env and res_id:
            return self.env.sudo()[model], res_id
        return None, None

    def _guess_number_field(self, rec):
        """The first number field holding a valid number (mobile before phone), else the
        first one set, else the first one the model has (Odoo's _sms_get_recipients_info)."""
        model, res_id = self._target(rec)
        if model is None:
            return False
        fields = [fn for fn in ("mobile", "phone") if fn in model.fields]
        code = _country_code(self.env, model, res_id)
        for fn in fields:
            if phone_format(model.raw_value(res_id, fn), code):
                return fn
        for fn in fields:
            if model.raw_value(res_id, fn):
                return fn
        return fields[0] if fields else False

    def _compute_recipient_single_number(self, rid, rec):
        model, res_id = self._target(rec)
        fname = rec.get("number_field_name")
        if model is None or not fname or fname not in model.fields:
            return False
        return model.raw_value(res_id, fname) or False

    def _compute_recipient_single_valid(self, rid, rec):
        number = rec.get("recipient_single_number_itf") or \
            self._compute_recipient_single_number(rid, rec)
        model, res_id = self._target(rec)
        return bool(phone_format(number, _country_code(self.env, model, res_id)))

    def _compute_recipient_single_description(self, rid, rec):
        model, res_id = self._target(rec)
        return model.display_name_of(res_id) if model is not None else False

    def action_send_sms(self, ids):
        for wid in ids:
            rec = self.records[wid]
            if rec.get("composition_mode") == "numbers":
                self._send_numbers(rec)
            else:
                self._send_comment(wid, rec)
        return False

    def _send_numbers(self, rec):
        sms = self.env.sudo()["sms.sms"]
        numbers = [n.strip() for n in (rec.get("numbers") or "").split(",") if n.strip()]
        code = _country_code(self.env, None, None)
        bad = [n for n in numbers if not phone_format(n, code)]
        if bad:
            raise UserError(f"Following numbers are not correctly encoded: {bad!r}")
        sms.send([sms._create_one({"number": phone_format(n, code), "body": rec.get("body")})
                  for n in numbers])

    def _send_comment(self, wid, rec):
        model, res_id = self._target(rec)
        # res.partner is a mail.thread in Odoo (the mail module adds it); the emulator keeps
        # its fields lean but posts on it all the same.
        if model is None or not (getattr(model, "_mail_thread", False)
                                 or model._name == "res.partner"):
            return self._send_numbers(rec)
        if not self._compute_recipient_single_valid(wid, rec):
            raise UserError("Invalid recipient number. Please update it.")
        number = rec.get("recipient_single_number_itf") or \
            self._compute_recipient_single_number(wid, rec)
        fname = rec.get("number_field_name")
        if rec.get("recipient_single_number_itf") and fname and \
                rec["recipient_single_number_itf"] != self._compute_recipient_single_number(wid, rec):
            self.env[model._name].write([res_id], {fname: rec["recipient_single_number_itf"]})
        # As recorded (16-19): the sms.sms keeps the number as the record stores it.
        partner = res_id if model._name == "res.partner" else False
        env = self.env.sudo()
        mid = env["mail.message"]._create_one({
            "model": model._name, "res_id": res_id, "body": plaintext2html(rec.get("body")),
            "message_type": "sms", "subtype_id": self.env.ref("mail.mt_note"),
            "author_id": self.env.partner_id, "record_name": model.display_name_of(res_id),
            "partner_ids": [(6, 0, [partner] if partner else [])]})
        sid = env["sms.sms"]._create_one({"number": number, "body": rec.get("body"),
                                          "partner_id": partner, "mail_message_id": mid})
        env["mail.notification"]._create_one({
            "mail_message_id": mid, "res_partner_id": partner, "author_id": self.env.partner_id,
            "notification_type": "sms", "notification_status": "ready", "sms_number": number,
            ("sms_id" if self.version <= 16 else "sms_id_int"): sid})
        env["sms.sms"].send([sid])


MODELS = [MessageSubtype, Message, TrackingValue, Followers, ActivityType, Activity,
          Notification, MailMail, Sms, SmsComposer]
