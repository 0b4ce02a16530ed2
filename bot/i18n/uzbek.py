"""Uzbek Latin -> Uzbek Cyrillic, so the two catalogues say the same thing.

Uzbek Latin (``uz``) is the edited source; the Cyrillic catalogue (``uz_Cyrl``) is generated
from it by these rules and a short reviewed list of exceptions
(``content/uz_cyrl_exceptions.yaml``) for words the rules cannot know, mostly Russian loans
whose Latin spelling lost a letter (``litsenziya`` -> ``лицензия``, ``kvitansiya`` ->
``квитанция``).

Rules (the 1995 Latin alphabet, read left to right):
  oʻ -> ў, gʻ -> ғ, sh -> ш, ch -> ч, yo -> ё, yu -> ю, ya -> я, ye -> е, ʼ -> ъ,
  ng -> нг (two letters), ts -> ц before i (``migratsiya``) and т+с elsewhere (``ketsa``),
  e -> э at the start of a word and after a vowel, е elsewhere; ``iya``/``iyo``/``iyu`` -> ия/иё/ию;
  ``yoʻ`` is й + ў (``yoʻl`` -> ``йўл``).
Placeholders, web addresses, commands, numbers and the words listed under ``keep_latin``
(Telegram, SMS, PIN, ...) stay as they are; Cyrillic already in the text (ИИН, ЦОН) stays too.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

import yaml

OKINA = "\u02bb"   # ʻ  in oʻ, gʻ
TUTUQ = "\u02bc"   # ʼ  the tutuq belgisi (apostrophe)
# Typed look-alikes of the two marks, read as the right one.
_OKINA_LIKE = "\u02bb\u2018"
_TUTUQ_LIKE = "\u02bc\u2019'"

VOWELS = set("aeiou" + "AEIOU")

SINGLE = {
    "a": "а", "b": "б", "d": "д", "e": "е", "f": "ф", "g": "г", "h": "ҳ", "i": "и", "j": "ж",
    "k": "к", "l": "л", "m": "м", "n": "н", "o": "о", "p": "п", "q": "қ", "r": "р", "s": "с",
    "t": "т", "u": "у", "v": "в", "x": "х", "y": "й", "z": "з",
}

# Tokens never transliterated: placeholders, addresses, e-mail, commands, anything with a digit
# or a dot inside (egov.kz, hr.enbek.kz), and whole words in another script.
_PROTECTED = re.compile(
    r"\{[^{}]*\}"                       # {placeholder}
    r"|https?://\S+"                    # links
    r"|[\w.+-]+@[\w-]+(?:\.[\w-]+)+"    # e-mail
    r"|(?<![\w/])/[a-z_]+"              # /commands
    r"|\b[a-z](?=\{)"                   # t{number}: a key to type
    r"|(?<![\w\u02bb\u02bc'-])[bcdfghjklmnpqrstvwxz](?![\w\u02bb\u02bc'-])"  # b = back
    r"|[\w-]+(?:\.[\w-]+)*\.(?:kz|uz|kg|tj|ru|com|org|net|int|info|gov)\b"   # egov.kz
)
_WORD = re.compile(r"[A-Za-z" + _OKINA_LIKE + _TUTUQ_LIKE + r"]+")


@dataclass(frozen=True)
class Exceptions:
    """Reviewed exceptions: Latin stems with their Cyrillic spelling, and words kept in Latin."""

    stems: Mapping[str, str] = field(default_factory=dict)
    keep_latin: frozenset[str] = frozenset()

    @classmethod
    def load(cls, path: Path) -> Exceptions:
        if not path.exists():
            return cls()
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        stems = {str(k).lower(): str(v) for k, v in (data.get("stems") or {}).items()}
        keep = frozenset(str(w) for w in data.get("keep_latin") or [])
        return cls(stems=stems, keep_latin=keep)


def _case_like(source: str, target: str) -> str:
    """Give ``target`` the case pattern of ``source`` (Ab -> Аб, AB -> АБ)."""
    letters = [c for c in source if c.isalpha()]
    if not letters or not target:
        return target
    if len(letters) > 1 and all(c.isupper() for c in letters):
        return target.upper()
    if letters[0].isupper():
        return target[:1].upper() + target[1:]
    return target


def _normalise(word: str) -> str:
    out = []
    for i, ch in enumerate(word):
        if ch in _OKINA_LIKE and i > 0 and word[i - 1] in "oOgG":
            out.append(OKINA)
        elif ch in _TUTUQ_LIKE or ch in _OKINA_LIKE:
            out.append(TUTUQ)
        else:
            out.append(ch)
    return "".join(out)


def _letters(word: str) -> str:
    """Transliterate one Latin word by the rules (no exceptions), keeping its case."""
    out: list[str] = []
    i, n = 0, len(word)
    lower = word.lower()
    while i < n:
        c, nxt = lower[i], lower[i + 1] if i + 1 < n else ""
        nxt2 = lower[i + 2] if i + 2 < n else ""
        prev = lower[i - 1] if i > 0 else ""
        src_len, cyr = 1, ""
        if nxt == OKINA and c in "og":
            src_len, cyr = 2, "ў" if c == "o" else "ғ"
        elif c == "s" and nxt == "h":
            src_len, cyr = 2, "ш"
        elif c == "c" and nxt == "h":
            src_len, cyr = 2, "ч"
        elif c == "t" and nxt == "s" and nxt2 == "i":
            src_len, cyr = 2, "ц"
        elif c == "y" and nxt == "o" and nxt2 == OKINA:
            cyr = "й"                                   # yoʻl -> йўл
        elif c == "y" and nxt in ("o", "u", "a", "e"):
            src_len, cyr = 2, {"o": "ё", "u": "ю", "a": "я", "e": "е"}[nxt]   # kompaniya -> компания
        elif c == "e":
            cyr = "э" if not prev or prev in "aeiou" else "е"
        elif c == TUTUQ:
            cyr = "ъ"
        elif c == OKINA:
            cyr = ""
        elif c in SINGLE:
            cyr = SINGLE[c]
        else:
            cyr = word[i]
            out.append(cyr)
            i += 1
            continue
        out.append(_case_like(word[i:i + src_len], cyr) if cyr else "")
        i += src_len
    return "".join(out)


def _word(word: str, exceptions: Exceptions) -> str:
    if word in exceptions.keep_latin:
        return word
    for kept in exceptions.keep_latin:   # Telegram'dagi -> Telegram'даги
        if word.startswith(kept) and len(word) > len(kept) + 1 and word[len(kept)] in _TUTUQ_LIKE:
            return word[:len(kept) + 1] + _word(word[len(kept) + 1:], exceptions)
    norm = _normalise(word)
    lower = norm.lower()
    best = ""
    for stem in exceptions.stems:
        if lower.startswith(stem) and len(stem) > len(best):
            best = stem
    if best:
        head = _case_like(norm[:len(best)], exceptions.stems[best])
        rest = norm[len(best):]
        if rest and norm[:len(best)].isupper() and len(norm) > 1:
            rest = rest.upper()
        return head + _letters(rest)
    return _letters(norm)


def to_cyrillic(text: str, exceptions: Exceptions | None = None) -> str:
    """Uzbek Latin text in Uzbek Cyrillic (protected tokens unchanged)."""
    exc = exceptions or Exceptions()
    out: list[str] = []
    pos = 0
    protected = _PROTECTED
    names = sorted((w for w in exc.keep_latin if not w.isalpha()), key=len, reverse=True)
    if names:  # names with a hyphen or a space (e-Qonaq, Remain anonymous) stay whole
        protected = re.compile("|".join(re.escape(n) for n in names) + "|" + _PROTECTED.pattern)
    for m in protected.finditer(text):
        out.append(_plain(text[pos:m.start()], exc))
        out.append(m.group(0))
        pos = m.end()
    out.append(_plain(text[pos:], exc))
    return "".join(out)


def _plain(text: str, exc: Exceptions) -> str:
    def repl(m: re.Match[str]) -> str:
        word = m.group(0)
        lead = len(word) - len(word.lstrip(_OKINA_LIKE + _TUTUQ_LIKE))
        trail = len(word) - len(word.rstrip(_TUTUQ_LIKE + _OKINA_LIKE))
        core = word[lead:len(word) - trail if trail else None]
        if not core:
            return word
        # a quote mark around a word is punctuation, not a letter
        return word[:lead] + _word(core, exc) + word[len(word) - trail:] if trail else word[:lead] + _word(core, exc)
    return _WORD.sub(repl, text)


def differences(latin: Iterable[tuple[str, str]], cyrillic: Mapping[str, str],
                exceptions: Exceptions) -> list[tuple[str, str, str]]:
    """(msgid, expected, found) for every Cyrillic entry that is not the generated text."""
    found = []
    for msgid, text in latin:
        expected = to_cyrillic(text, exceptions)
        actual = cyrillic.get(msgid)
        if actual is not None and actual != expected:
            found.append((msgid, expected, actual))
    return found
