"""Outgoing mail over SMTP, written in the recipient's language.

Without ``MAIL_SERVER`` (development) the message is written to the log instead of sent.
"""

from __future__ import annotations

import logging
import smtplib
from email.message import EmailMessage
from email.utils import make_msgid

from flask import current_app, render_template
from flask_babel import force_locale

logger = logging.getLogger(__name__)


def send_mail(to: str, template: str, locale: str | None, **context) -> EmailMessage:
    """Render ``mail/<template>.txt`` in ``locale`` and send it to ``to``.

    The template's first line is the subject; the rest is the body.
    """
    config = current_app.config
    with force_locale(locale or config["BABEL_DEFAULT_LOCALE"]):
        subject, _blank, body = render_template(f"mail/{template}.txt", **context).partition("\n")
    message = EmailMessage()
    message["From"] = config["MAIL_DEFAULT_SENDER"]
    message["To"] = to
    message["Subject"] = subject.strip()
    message["Message-ID"] = make_msgid(domain="ipbridge.example")
    message.set_content(body.strip() + "\n")
    if not config["MAIL_SERVER"]:
        logger.info("mail not sent (no MAIL_SERVER):\n%s", message)
        return message
    with smtplib.SMTP(config["MAIL_SERVER"], config["MAIL_PORT"], timeout=20) as smtp:
        if config["MAIL_USE_TLS"]:
            smtp.starttls()
        if config["MAIL_USERNAME"]:
            smtp.login(config["MAIL_USERNAME"], config["MAIL_PASSWORD"])
        smtp.send_message(message)
    return message
