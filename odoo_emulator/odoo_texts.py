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
