"""``high_pay_low_skill``: Pay far above the market for unskilled work: 'earn 4000 EUR a month', 'high salary'."""

from __future__ import annotations

from vigil.recognizers.base import JOB_KINDS, Recognizer


class HighPayLowSkillRecognizer(Recognizer):
    """Pay far above the market for unskilled work: 'earn 4000 EUR a month', 'high salary'."""

    # OSCE 2022 recommendation 3: monitor job ads aimed at Ukrainians for low-skill high-pay offers.
    BASE_CONFIDENCE = 0.7
    KINDS = JOB_KINDS
