"""Checks of what a translation says, beyond completeness: the right script and alphabet, no
Russian words outside the Russian catalogue, the locale's decimal separator, the glossary's
words, and Uzbek Cyrillic that is the transliteration of Uzbek Latin.

Each check takes one translated text and returns problems as short sentences; ``tools.check``
adds the file and line.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from babel import Locale
from babel.numbers import get_decimal_symbol, get_group_symbol

from bot.i18n.glossary import Glossary

# Letters each Cyrillic catalogue may use, beyond the 33 of Russian (lower case).
RUSSIAN = set("абвгдеёжзийклмнопрстуфхцчшщъыьэюя")
ALPHABETS: dict[str, set[str]] = {
    "ru": RUSSIAN,
    "uz_Cyrl": RUSSIAN | set("ўқғҳ"),
    "tg": (RUSSIAN - set("цщыь")) | set("ғӣқӯҳҷ"),
    "ky": RUSSIAN | set("ңөү"),
    "kk": RUSSIAN | set("әғқңөұүһі"),
}
LATIN_CATALOGUES = {"uz"}

# Latin words that are names on a screen or a card and read the same in every script.
LATIN_NAMES = frozenset({
    "Telegram", "WhatsApp", "Jol", "SMS", "PIN", "SIM", "QR", "ID", "IOM", "PDF", "ENPF",
    "Uzcard",  # the card system, printed in Latin letters on every card
    "username", "e", "Qonaq",  # e-Qonaq, the registration system
    "Remain", "anonymous",  # the name of a Telegram setting, which has no Kazakh, Kyrgyz or Tajik version
})

# Tokens no script check looks into: placeholders, links, e-mail, commands, domains, numbers.
PROTECTED = re.compile(
    r"\{[^{}]*\}|https?://\S+|[\w.+-]+@[\w-]+(?:\.[\w-]+)+|(?<![\w/])/[a-z_]+"
    r"|[\w-]+(?:\.[\w-]+)*\.(?:kz|uz|kg|tj|ru|com|org|net|int|info|gov)\b"
)
# For words, also codes with digits (a C5 visa, form 028/у, t{number}) and single Latin letters
# (keys to type in the terminal demo: b = back).
_JOIN = "'`\u2018\u2019\u02bb\u02bc-"
_CODES = re.compile(rf"\S*\d\S*|\bt(?=\{{)|(?<![\w{_JOIN}])[A-Za-z](?![\w{_JOIN}])")
WORD = re.compile(r"[^\W\d_]+(?:[-'`\u2018\u2019\u02bc\u02bb][^\W\d_]+)*")

# Russian words that are not words of Uzbek, Tajik, Kyrgyz or Kazakh. Short function words
# that are also words there are left out per language (Tajik "на", "то"; Kyrgyz "же"; Kazakh
# "не", "же"; Uzbek "у").
RUSSIAN_STOP_WORDS = frozenset([
    "и", "в", "во", "не", "что", "это", "как", "для", "по", "от", "из", "или", "если", "только", "уже",
    "при", "так", "его", "её", "она", "они", "мы", "вы", "был", "была", "были", "быть", "есть", "нет",
    "но", "же", "ли", "бы", "с", "со", "к", "ко", "о", "об", "у", "за", "до", "под", "над", "без",
    "через", "после", "также", "можно", "нужно", "который", "которая", "которые", "которое", "ваш",
    "ваша", "ваши", "вас", "вам", "свой", "свою", "этот", "эта", "эти", "где", "когда", "чтобы",
    "потому", "все", "всё", "ещё", "очень", "вот", "тоже", "даже", "либо",
])
NOT_RUSSIAN_THERE: dict[str, frozenset[str]] = {
    "tg": frozenset({"на", "то", "о", "не", "они"}),   # не = no, аз они = belonging to
    "ky": frozenset({"же", "так"}),                      # же = or, так = exact
    "kk": frozenset({"не", "же"}),
    "uz_Cyrl": frozenset({"у", "эта"}),   # у = he, she; рад эта олмасангиз
}
# Russian word endings no word of these languages has (a Russian gloss left in the text).
# (At least 8 letters: Армения is Kyrgyz and Kazakh too. Tajik -ости is the izofa of -ост: дархости.)
RUSSIAN_ENDINGS = re.compile(r"(?:\w{4,}(?:ени[еяюй]|ением)|\w{2,}(?:ость|остью|ский|ская|ское|ского|ской)|урочн\w*)$")
# Russian roots that the other languages say with their own word (гражданский: шаҳрвандӣ, жарандык,
# азаматтық, fuqarolik).
RUSSIAN_ROOTS = re.compile(r"^(?:граждан|сверхурочн|приложени|согласительн|удостоверени)")
RUSSIAN_ENDINGS_NOT_TG = re.compile(r"\w{3,}ости$")


def _unprotected(text: str) -> str:
    return _CODES.sub(" ", PROTECTED.sub(" ", text))


def words(text: str) -> list[str]:
    return WORD.findall(_unprotected(text))


def _is_cyrillic(ch: str) -> bool:
    return "\u0400" <= ch <= "\u04ff"


def _is_latin(ch: str) -> bool:
    return ch.isascii() and ch.isalpha()


def _mixed(part: str) -> bool:
    return any(_is_latin(c) for c in part) and any(_is_cyrillic(c) for c in part)


def script_problems(lang: str, text: str, allowed: Iterable[str] = ()) -> list[str]:
    """Words in the wrong script, words mixing scripts, and letters outside the alphabet.

    A word is judged by its parts between hyphens and apostrophes, so a name with a suffix
    (``SMS-код``, ``Telegram'да``) is fine where the name is.
    """
    allowed = set(allowed)
    problems: list[str] = []
    for word in dict.fromkeys(words(text)):
        if word in allowed:
            continue
        parts = [p for p in re.split(r"[-'\u2019\u02bc]", word) if p]
        if lang in LATIN_CATALOGUES:
            parts = [p for p in re.split(r"[-'\u2019]", word) if p]   # ʼ and ʻ are Uzbek letters
        if any(_mixed(part) for part in parts):
            problems.append(f"word mixes Latin and Cyrillic letters: {word!r}")
            continue
        if lang in LATIN_CATALOGUES:
            if any(_is_cyrillic(c) for c in word):
                problems.append(f"Cyrillic word in a Latin-script catalogue: {word!r}")
            elif re.search(r"[A-Za-z]['\u2018\u2019`][A-Za-z]", word) and word not in LATIN_NAMES:
                problems.append(f"write oʻ, gʻ with ʻ (U+02BB) and the tutuq belgisi with ʼ (U+02BC), "
                                f"not a quote mark: {word!r}")
        elif lang in ALPHABETS:
            latin = [p for p in parts if any(_is_latin(c) for c in p)]
            if latin and not all(p in LATIN_NAMES or p in allowed for p in latin):
                problems.append(f"Latin word in a Cyrillic catalogue: {word!r}")
            foreign = sorted({c.lower() for c in word if _is_cyrillic(c) and c.lower() not in ALPHABETS[lang]})
            if foreign:
                problems.append(f"letter{'s' if len(foreign) > 1 else ''} {' '.join(foreign)} "
                                f"not in the {lang} alphabet: {word!r}")
    return problems


def russian_word_problems(lang: str, text: str) -> list[str]:
    """Russian words in a catalogue of another language."""
    if lang in ("ru", "en") or lang in LATIN_CATALOGUES:
        return []
    stop = RUSSIAN_STOP_WORDS - NOT_RUSSIAN_THERE.get(lang, frozenset())
    found = []
    for word in dict.fromkeys(w.lower() for w in words(text)):
        cyrillic = all(_is_cyrillic(c) for c in word if c.isalpha())
        ending = RUSSIAN_ENDINGS.search(word) or (lang != "tg" and RUSSIAN_ENDINGS_NOT_TG.search(word))
        if word in stop or (ending and cyrillic) or RUSSIAN_ROOTS.search(word):
            found.append(word)
    return [f"Russian word{'s' if len(found) > 1 else ''} in a {lang} text: {', '.join(found)}"] if found else []


_NUMBER = re.compile(r"(?<![\w.,])(\d+)([.,])(\d+)(?!\d|[.,]\d)")  # a suffix may follow: 1,5ке


def _babel_locale(lang: str) -> Locale:
    return Locale.parse("uz_Latn" if lang == "uz" else lang)


def decimal_problems(lang: str, text: str, source: str = "") -> list[str]:
    """Numbers written with a separator the locale does not use (Babel's number symbols).

    Where the locale writes decimals with a comma, thousands grouped the English way read as a
    decimal: "1,250,000" always, "14,000" (fourteen) when the English ``source`` has it too.
    """
    loc = _babel_locale(lang)
    decimal, group = get_decimal_symbol(loc), get_group_symbol(loc)
    grouping = f"{group!r}" if group.strip() else "a space"
    plain = _unprotected_numbers(text)
    wrong: dict[str, str] = {}
    for m in _NUMBER.finditer(plain):
        sep, tail = m.group(2), m.group(3)
        if not (sep == decimal or (sep == group and len(tail) == 3)):
            wrong.setdefault(m.group(0), "")
    if decimal == ",":
        english = set(_ENGLISH_GROUPED.findall(source))
        for number in _ENGLISH_GROUPED.findall(plain):
            if number.count(",") > 1 or number in english:
                wrong[number] = " (thousands grouped as English does; here it reads as a decimal)"
    return [f"number {number!r}{why}: {lang} writes decimals with {decimal!r} and groups thousands with "
            f"{grouping}; let Babel format it (a placeholder)" for number, why in wrong.items()]


_ENGLISH_GROUPED = re.compile(r"(?<![\w.,])\d{1,3}(?:,\d{3})+(?!\d|[.,]\d)")


def _unprotected_numbers(text: str) -> str:
    # Placeholders and links may hold dots; dates typed as examples (31.12.2026) have two.
    return PROTECTED.sub(" ", text)


def glossary_problems(lang: str, msgid: str, text: str, glossary: Glossary) -> list[str]:
    """Key terms the English uses that the translation does not say with the glossary's word."""
    problems = []
    for term in glossary.terms:
        if term.used_in_english(msgid) and lang in term.patterns and not term.used_in(lang, text):
            problems.append(f"the English says {term.words['en']!r}; use the glossary's "
                            f"{term.words.get(lang, '?')!r} (content/glossary.yaml, {term.id})")
        for found in dict.fromkeys(term.avoided_in(lang, text)):
            problems.append(f"{found!r} is not what people or papers in Kazakhstan say; use the glossary's "
                            f"{term.words.get(lang, '?')!r} (content/glossary.yaml, {term.id})")
    return problems
