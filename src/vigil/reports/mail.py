"""E-mails to reporters (receipt, DSA article 16(4); decision and redress, 16(5)) and to partners.

Sent over SMTP as configured (``smtp_*`` settings); with no ``smtp_host`` nothing is sent.
A failed send is logged and reported to the caller, never allowed to undo a stored report.
"""

from __future__ import annotations

import smtplib
from email.message import EmailMessage
from typing import Any

from vigil.log import get_logger
from vigil.reports import texts
from vigil.settings import Settings

log = get_logger(__name__)
SMTP_TIMEOUT_SECONDS = 10.0


class Mailer:
    def __init__(self, settings: Settings) -> None:
        self.settings = settings

    @property
    def enabled(self) -> bool:
        return bool(self.settings.smtp_host)

    def send(self, to: str, subject: str, body: str) -> bool:
        """Send one plain-text message; True when the server accepted it."""
        if not self.settings.smtp_host:
            return False
        message = EmailMessage()
        message["From"] = self.settings.smtp_from
        message["To"] = to
        message["Subject"] = subject
        message.set_content(body)
        try:
            with smtplib.SMTP(self.settings.smtp_host, self.settings.smtp_port, timeout=SMTP_TIMEOUT_SECONDS) as smtp:
                if self.settings.smtp_starttls:
                    smtp.starttls()
                if self.settings.smtp_username:
                    password = ""
                    if self.settings.smtp_password_file is not None:
                        password = self.settings.smtp_password_file.read_text(encoding="utf-8").strip()
                    smtp.login(self.settings.smtp_username, password)
                smtp.send_message(message)
        except (OSError, smtplib.SMTPException) as exc:
            log.warning("e-mail not sent", error=exc.__class__.__name__)
            return False
        return True

    def acknowledge(self, to: str, lang: str, receipt: str) -> bool:
        words = texts.texts(lang)
        return self.send(to, words["mail_ack_subject"], _fill(words["mail_ack_body"], receipt=receipt))

    def decision(self, to: str, lang: str, receipt: str, action: str, ground_reference: str) -> bool:
        words = texts.texts(lang)
        body = _fill(
            words["mail_decision_body"], receipt=receipt, action=words["actions"].get(action, action), ground=ground_reference
        )
        return self.send(to, words["mail_decision_subject"], body)

    def referral(self, to: str, package: dict[str, Any]) -> bool:
        lines = [f"Referral from Vigil: {package.get('url')}", ""]
        for report in package.get("reports", []):
            lines.append(f"- report {report['receipt']} ({report['category']}), received {report['received_at']}")
        analysis = package.get("analysis")
        if analysis:
            lines.append(f"Risk: {analysis.get('risk_level')} ({analysis.get('risk_score')})")
            lines.extend(f"  indicator {hit['id']}: {hit['evidence']}" for hit in analysis.get("indicators", []))
        return self.send(to, "Referral from Vigil", "\n".join(lines))


def _fill(template: str, **values: str) -> str:
    # str.format would read braces in a translated text as fields; only our names are replaced.
    for name, value in values.items():
        template = template.replace("{" + name + "}", value)
    return template
