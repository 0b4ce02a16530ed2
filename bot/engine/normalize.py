"""Folding what people type into one comparable form.

Migrants write Uzbek in Latin or Cyrillic, Russian in Latin letters, and often type on the wrong
keyboard layout ("gfcgjhn" is "паспорт" typed with a Latin layout). Both the query and the
keywords go through the same folding: lower case, Cyrillic to Latin, Uzbek and Russian
spellings of the same sound made equal, punctuation and doubled letters dropped.
"""

from __future__ import annotations

import re
import unicodedata

_CYRILLIC = {
    "а": "a", "б": "b", "в": "v", "г": "g", "д": "d", "е": "e", "ё": "e", "ж": "j", "з": "z", "и": "i",
    "й": "y", "к": "k", "л": "l", "м": "m", "н": "n", "о": "o", "п": "p", "р": "r", "с": "s", "т": "t",
    "у": "u", "ф": "f", "х": "h", "ц": "s", "ч": "ch", "ш": "sh", "щ": "sh", "ъ": "", "ы": "i", "ь": "",
    "э": "e", "ю": "yu", "я": "ya",
    # Uzbek, Tajik, Kazakh, Kyrgyz letters
    "ў": "o", "қ": "k", "ғ": "g", "ҳ": "h", "ҷ": "j", "ӣ": "i", "ӯ": "u", "ә": "a", "ө": "o", "ү": "u",
    "ұ": "u", "ң": "ng", "һ": "h", "і": "i",
}
# Latin spellings folded the same way: Uzbek x/q/o'/g', Russian transliterations kh/zh/ts.
_APOSTROPHES = str.maketrans({c: "'" for c in "ʻʼ‘’`´"})
_LATIN = [("o'", "o"), ("g'", "g"), ("kh", "h"), ("zh", "j"), ("dj", "j"), ("ts", "s"), ("x", "h"), ("q", "k"),
          ("w", "v"), ("c", "s"), ("yo", "e"), ("ye", "e")]
_QWERTY = "qwertyuiop[]asdfghjkl;'zxcvbnm,.`"
_JCUKEN = "йцукенгшщзхъфывапролджэячсмитьбюё"
_TO_CYRILLIC = str.maketrans(_QWERTY, _JCUKEN)
_TO_LATIN_LAYOUT = str.maketrans(_JCUKEN, _QWERTY)
_NON_WORD = re.compile(r"[^\w\s]+")
_REPEAT = re.compile(r"(.)\1+")


def fold(text: str) -> str:
    """Lower-case, Cyrillic to Latin, common spelling variants merged, punctuation removed."""
    text = unicodedata.normalize("NFC", text.casefold()).translate(_APOSTROPHES)
    for src, dst in _LATIN[:2]:  # Uzbek Latin o' and g' first, before punctuation goes
        text = text.replace(src, dst)
    text = "".join(_CYRILLIC.get(ch, ch) for ch in text)
    text = _NON_WORD.sub(" ", text)
    for src, dst in _LATIN[2:]:
        text = text.replace(src, dst)
    text = _REPEAT.sub(r"\1", text)
    return " ".join(text.split())


def layout_variants(text: str) -> list[str]:
    """The text as typed, and as it would read on the other keyboard layout (ЙЦУКЕН/QWERTY)."""
    lowered = text.casefold()
    variants = [lowered]
    if re.search(r"[a-z]", lowered) and not re.search(r"[а-яё]", lowered):
        variants.append(lowered.translate(_TO_CYRILLIC))
    elif re.search(r"[а-яё]", lowered) and not re.search(r"[a-z]", lowered):
        variants.append(lowered.translate(_TO_LATIN_LAYOUT))
    return variants
