"""The analyst's pages: dashboard, document search and view, networks, trends; and their JSON API."""
