"""Collection: polite, evidence-preserving crawling of monitored sites and feeds.

A site is described by a profile (:mod:`vigil.collect.profiles`); :func:`collect_profile`
fetches it politely (:mod:`vigil.collect.fetch`), keeps every fetched page as a WARC record
in the evidence store (:mod:`vigil.collect.evidence`), reads ads and feed entries
(:mod:`vigil.collect.pages`) and stores each new or edited ad as a version of its document
(:mod:`vigil.collect.state`). ``vigil collect`` then runs the store's processing, so
collected documents are analysed and linked like ingested ones. See ``docs/collection.md``.
"""
