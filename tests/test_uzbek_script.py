"""Uzbek Latin -> Cyrillic on real words, so a person who switches scripts reads the same text."""

from __future__ import annotations

import pytest

from bot.i18n.uzbek import Exceptions, to_cyrillic

from .test_i18n import ROOT

EXCEPTIONS = Exceptions.load(ROOT / "content/uz_cyrl_exceptions.yaml")


@pytest.mark.parametrize("latin, cyrillic", [
    ("Oʻzbekiston", "Ўзбекистон"),        # oʻ
    ("Qirgʻiziston", "Қирғизистон"),      # gʻ, q
    ("shartnoma", "шартнома"),            # sh
    ("chiptalaringizni", "чипталарингизни"),  # ch
    ("yangi", "янги"),                    # ya, ng stays two letters
    ("yordam", "ёрдам"), ("yuborish", "юбориш"),
    ("yoʻq", "йўқ"), ("yoʻl", "йўл"),     # yoʻ is й + ў, not ё
    ("Yevroosiyo", "Евроосиё"),           # ye at the start
    ("eʼlon", "эълон"), ("maʼlumot", "маълумот"),  # tutuq belgisi -> ъ
    ("ertaga", "эртага"), ("aeroport", "аэропорт"), ("telefon", "телефон"),  # э / е
    ("migratsiya", "миграция"), ("politsiyasi", "полицияси"),  # ts before i -> ц
    ("talab etsa", "талаб этса"), ("ketsa", "кетса"),  # t + s elsewhere
    ("kompaniya", "компания"), ("tayyor", "тайёр"),
    ("hujjat", "ҳужжат"), ("xavfsiz", "хавфсиз"), ("jarima", "жарима"),
    ("SHOSHILINCH", "ШОШИЛИНЧ"),
])
def test_rules_on_real_words(latin: str, cyrillic: str) -> None:
    assert to_cyrillic(latin) == cyrillic


def test_the_reviewed_exceptions_cover_what_the_rules_cannot_know() -> None:
    assert to_cyrillic("litsenziyaga", EXCEPTIONS) == "лицензияга"   # Russian ц written ts before e
    assert to_cyrillic("kvitansiyasi", EXCEPTIONS) == "квитанцияси"   # ... and s
    assert to_cyrillic("Kuryerlar", EXCEPTIONS) == "Курьерлар"
    assert to_cyrillic("kvitansiyasi") == "квитансияси"               # without the list


def test_names_addresses_placeholders_and_abbreviations_stay() -> None:
    text = "{count} kun: egov.kz saytida Telegram'dagi SMS-kodlarni, ИИН va ЦОН; /hotlines, b = orqaga"
    assert to_cyrillic(text, EXCEPTIONS) == (
        "{count} кун: egov.kz сайтида Telegram'даги SMS-кодларни, ИИН ва ЦОН; /hotlines, b = орқага")
