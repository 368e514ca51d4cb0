"""Odoo's exception classes, named as Odoo names them on the wire (``data.name``)."""


class OdooException(Exception):
    """Base of the odoo.exceptions family; ``odoo_name`` is what the envelope reports."""

    odoo_name = "odoo.exceptions.UserError"
    http_status = 200

    def __init__(self, message="", *args):
        super().__init__(message, *args)
        self.message = message


class UserError(OdooException):
    odoo_name = "odoo.exceptions.UserError"
    json2_status = 422


class ValidationError(UserError):
    odoo_name = "odoo.exceptions.ValidationError"


class AccessError(UserError):
    odoo_name = "odoo.exceptions.AccessError"
    json2_status = 403


class MissingError(UserError):
    odoo_name = "odoo.exceptions.MissingError"
    json2_status = 404


class AccessDenied(OdooException):
    odoo_name = "odoo.exceptions.AccessDenied"
    json2_status = 401

    def __init__(self, message="Access Denied"):
        super().__init__(message)


class SessionExpired(Exception):
    """odoo.http.SessionExpiredException."""

    odoo_name = "odoo.http.SessionExpiredException"

    def __init__(self, message="Session expired"):
        super().__init__(message)


class NotFound(Exception):
    """werkzeug.exceptions.NotFound raised inside a JSON route (unknown model on 18+)."""

    odoo_name = "werkzeug.exceptions.NotFound"


def no_such_method(model, method, version):
    """The AttributeError of a method the model does not have, worded as the version words it."""
    if version >= 19:
        return AttributeError(f"The method '{model}.{method}' does not exist")
    return AttributeError(f"type object '{model}' has no attribute '{method}'")
