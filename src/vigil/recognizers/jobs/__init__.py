"""Recognizers of indicators in job offers, one module per indicator id."""
