"""Trend tests share the webhook receiver of ``tests/webhook_receiver.py``."""

from __future__ import annotations

from webhook_receiver import receiver

__all__ = ["receiver"]
