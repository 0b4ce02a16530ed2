"""The flow engine: YAML decision flows, validated and run as a pure state machine.

Nothing in this package imports aiogram or the database layer; the import-linter contract in
pyproject.toml keeps it that way.
"""
