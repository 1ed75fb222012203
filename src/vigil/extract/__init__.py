"""Extraction: offset-keeping normalization, language detection and entities."""
