"""Odoo's own messages in the user's language: Odoo translates what its code raises (``_()``
with the context's ``lang``), so a client never sees the English when the user works in
another language. Only the messages a client has to recognise are here, with the translations
of Odoo's own .po files (the language's file, e.g. addons/mail/i18n/es.po for es_ES); a
language not listed gets the English, as Odoo does for an untranslated term.
"""

# addons/mail/models/mail_thread.py (_message_compute_author), up to 18
NO_SENDER_EMAIL = {
    "en": "Unable to send message, please configure the sender's email address.",
    "es": "No se puede enviar el mensaje, configure la dirección de correo electrónico del "
          "remitente.",
}


def odoo_text(env, texts):
    """``texts`` in the language of ``env``'s context (its base language's file: es_ES reads
    es.po), else English."""
    lang = env.lang or "en_US"
    return texts.get(lang, texts.get(lang.split("_")[0], texts["en"]))


# Selection labels as fields_get answers them (ir.model.fields.selection's name is translated):
# (model, field) -> base language -> {value: label}, from each module's <lang>.po
SELECTION_LABELS = {
    ("sale.order", "state"): {
        "fr": {"draft": "Devis", "sent": "Devis envoyé", "sale": "Bon de commande",
               "done": "Verrouillé", "cancel": "Annulé"},
        "es": {"draft": "Presupuesto", "sent": "Presupuesto enviado", "sale": "Orden de venta",
               "done": "Bloqueado", "cancel": "Cancelado"},
        "de": {"draft": "Angebot", "sent": "Angebot gesendet", "sale": "Verkaufsauftrag",
               "done": "Gesperrt", "cancel": "Storniert"},
        "nl": {"draft": "Offerte", "sent": "Offerte verzonden", "sale": "Verkooporder",
               "done": "Vergrendeld", "cancel": "Geannuleerd"},
    },
}


def selection_labels(env, model, fname, pairs):
    """A selection's [value, label] pairs in the context's language (English when Odoo has no
    translation listed here)."""
    lang = env.lang
    table = SELECTION_LABELS.get((model, fname), {})
    labels = table.get(lang, table.get(lang.split("_")[0], {})) if lang else {}
    return [[value, labels.get(value, label)] for value, label in pairs]
