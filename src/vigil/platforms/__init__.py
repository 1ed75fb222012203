"""The platform map: a registry of platforms at risk of trafficking, ranked and audited.

``models`` (tables), ``categories`` (the OSCE categories and their priors, as data),
``catalogue`` (the entry schema; YAML and CSV import and export), ``registry`` (entries in
the store), ``observed`` (what Vigil sees on each platform), ``ranking`` (rank with its
evidence) and ``audit`` (the minors' safety-defaults checklist). Importing this package
loads nothing; the store imports the tables through ``vigil.platforms.models``.
"""
