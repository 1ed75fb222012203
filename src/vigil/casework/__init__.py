"""Analyst casework: review state of leads (documents, networks, identifiers), cases, and case files.

Everything here works in the caller's session and takes the acting user's name and an
:data:`~vigil.casework.reviews.AuditHook`, so each change is written to the audit log in
the same transaction as the change, without this package knowing the web app.
"""
