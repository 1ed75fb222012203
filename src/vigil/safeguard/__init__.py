"""Search safeguarding and awareness campaigns.

Per-query decisions for search providers (suppress and deter, show safety information,
or nothing), deterrence and safety messages in the languages of people fleeing Ukraine and
of those who would exploit them, targeted awareness campaigns, public help pages, and
aggregate-only measurement.
"""
