"""``messenger_only``: Contact only through a messenger (Telegram, Viber, WhatsApp) or private message, no office or address."""

from __future__ import annotations

from vigil.recognizers.base import JOB_KINDS, Recognizer


class MessengerOnlyRecognizer(Recognizer):
    """Contact only through a messenger (Telegram, Viber, WhatsApp) or private message, no office or address."""

    # HTCDS RecruitmentWebsitesAndApps; Der Spiegel 2022 on recruitment via Viber and Telegram.
    BASE_CONFIDENCE = 0.5
    KINDS = JOB_KINDS
