"""Market trends: counts by segment over time, spike alerts, change points, search series.

Modules: ``segments`` (which segments a document belongs to), ``series`` (vectorised
counting), ``detect`` (alerts with false-discovery control), ``changepoints`` (sustained
shifts), ``external`` (search-interest CSV), ``alert_store`` and ``webhook`` (persistence
and delivery), ``chart`` (SVG charts), ``report`` (the whole run, for the CLI and the web
app). Importing this package loads nothing heavy.
"""
