"""Recognizers of indicators in sex-service ads and forum posts, one module per indicator id."""
