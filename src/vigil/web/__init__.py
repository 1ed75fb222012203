"""The analyst web app and its JSON API; build it with :func:`vigil.web.app.create_app`."""
