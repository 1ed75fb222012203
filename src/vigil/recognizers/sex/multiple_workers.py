"""``multiple_workers``: Several people offered in one ad or one place: 'many girls', 'choose from'."""

from __future__ import annotations

from vigil.recognizers.base import SEX_KINDS, Recognizer


class MultipleWorkersRecognizer(Recognizer):
    """Several people offered in one ad or one place: 'many girls', 'choose from'."""

    # Memex flag 17 ('new girls', 'new staff'); Polaris 2017 typology of escort and residential brothels.
    BASE_CONFIDENCE = 0.6
    KINDS = SEX_KINDS
