"""Words the pages translate from data (kinds, risk levels, entity kinds, sort orders, alert directions).

Templates pass these values through ``_()``; marking them here puts them in the catalogue.
"""

from __future__ import annotations

from vigil.web.i18n import N_

LABELS: tuple[str, ...] = (
    # document kinds
    N_("sex_ad"), N_("job_ad"), N_("forum_post"), N_("social_post"), N_("classified"), N_("other"),
    # risk levels
    N_("high"), N_("medium"), N_("low"),
    # entity kinds of the Analysis contract
    N_("phones"), N_("emails"), N_("handles"), N_("urls"), N_("ages"), N_("prices"), N_("locations"), N_("names"),
    # result orders
    N_("newest"), N_("posted"), N_("risk"), N_("relevance"), N_("reviewed"),
    # trend alert directions
    N_("up"), N_("down"),
)
