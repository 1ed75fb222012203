"""Find anything by identifier: the phones, e-mails, handles and URLs of stored documents.

``models`` holds the ``document_identifiers`` table; ``index`` fills it from analyses
(``save_analyses`` calls :func:`identifier_rows`); ``query`` reads a value typed in any
written form an ad uses, with the same normalizer and entity extractor that read the ads;
``lookup`` answers "which stored documents carry this identifier".
"""
