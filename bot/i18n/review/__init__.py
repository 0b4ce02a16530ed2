"""The review pack for translators and lawyers (``python -m bot review``) and applying its marks."""
