"""``multiple_workers``: Several people offered in one ad or one place: 'many girls', 'choose from'."""

from __future__ import annotations

from vigil.recognizers.base import SEX_KINDS, Recognizer


class MultipleWorkersRecognizer(Recognizer):
    """Several people offered in one ad or one place: 'many girls', 'choose from'."""

    INDICATOR = "multiple_workers"
    GROUP = "sex"
    # Memex flag 17 ('new girls', 'new staff'); Polaris 2017 typology of escort and residential brothels.
    SOURCE = "Memex-2017/multiple-providers"
    BASE_CONFIDENCE = 0.6
    KINDS = SEX_KINDS
