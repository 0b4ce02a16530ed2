"""Translations: gettext catalogues under ``content/locales``, managed with Babel."""
