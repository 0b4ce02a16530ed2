"""Rendering to Telegram messages."""

from __future__ import annotations

from bot.telegram.render import split_text


def test_long_texts_are_split_at_paragraphs_within_telegrams_limit() -> None:
    paragraphs = [f"Paragraph {i}: " + "word " * 150 for i in range(12)]
    chunks = split_text("\n\n".join(paragraphs))
    assert all(len(c) <= 4096 for c in chunks) and len(chunks) > 1
    assert all(c.startswith("Paragraph") for c in chunks)  # every cut at a paragraph boundary
    assert " ".join(" ".join(chunks).split()) == " ".join(" ".join(paragraphs).split())
    assert split_text("x" * 9000) == ["x" * 4096, "x" * 4096, "x" * 808]
