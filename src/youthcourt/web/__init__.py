"""Helpers every area's pages share: templates, forms, pagination, flash messages, redirects, errors."""
