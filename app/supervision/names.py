"""Comparable forms of provider names across scripts, and registration numbers; no Flask, no database.

A name is reduced to lower-case Latin words: NFKC, casefold, accents dropped, Cyrillic transliterated,
Han characters turned into English for the common words of the trade (知识产权 → ip, 注册 →
registration, 中心 → centre ...) and into pinyin for the rest (华亚 → huaya); legal-form suffixes
(Ltd, LLP, GmbH, 有限公司 ...) and punctuation are removed, and English variants are folded
(intellectual property → ip, center → centre). Two names are compared by difflib's ratio over every
pair of their forms, spaced and unspaced, so "Hua Ya" meets "Huaya" and "华亚".
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from difflib import SequenceMatcher
from functools import lru_cache

from pypinyin import lazy_pinyin

# Han words of the IP trade, simplified and traditional, in the English the folded Latin names use.
# Longest first, so 知识产权 wins over 知识.
HAN_GLOSSARY = {
    "知识产权": "ip",
    "知識產權": "ip",
    "知识": "knowledge",
    "產權": "property",
    "产权": "property",
    "注册": "registration",
    "註冊": "registration",
    "登记": "registration",
    "登記": "registration",
    "服务": "service",
    "服務": "service",
    "中心": "centre",
    "专利": "patent",
    "專利": "patent",
    "商标": "trademark",
    "商標": "trademark",
    "代理": "agency",
    "事务所": "firm",
    "事務所": "firm",
    "律师": "law",
    "律師": "law",
    "国际": "international",
    "國際": "international",
    "咨询": "consulting",
    "諮詢": "consulting",
    "顾问": "consulting",
    "顧問": "consulting",
    "科技": "technology",
    "技术": "technology",
    "技術": "technology",
    "集团": "group",
    "集團": "group",
    "管理": "management",
    "评估": "appraisal",
    "評估": "appraisal",
    "研究院": "institute",
    "研究所": "institute",
    "协会": "association",
    "協會": "association",
    "运营": "operations",
    "運營": "operations",
    "信息": "information",
    "資訊": "information",
    "版权": "copyright",
    "版權": "copyright",
}
_GLOSSARY_TERMS = sorted(HAN_GLOSSARY, key=len, reverse=True)

# Legal forms, removed at either end of a name (repeatedly: "Co., Ltd.").
LEGAL_SUFFIXES = frozenset(
    [
        "limited",
        "ltd",
        "llc",
        "llp",
        "lp",
        "inc",
        "incorporated",
        "co",
        "company",
        "corp",
        "corporation",
        "gmbh",
        "mbh",
        "ag",
        "kg",
        "sa",
        "sas",
        "sarl",
        "srl",
        "spa",
        "bv",
        "nv",
        "ab",
        "oy",
        "as",
        "aps",
        "kk",
        "plc",
        "pty",
        "pte",
        "pvt",
        "private",
        "partnership",
        "partnerg",
        "sl",
        "ug",
    ]
)
HAN_LEGAL_SUFFIXES = (
    "股份有限公司",
    "有限责任公司",
    "有限責任公司",
    "有限公司",
    "株式会社",
    "合伙企业",
    "合夥企業",
    "公司",
)

# English variants folded to one word, applied to the word sequence.
PHRASES = (
    (("intellectual", "property"), ("ip",)),
    (("trade", "marks"), ("trademark",)),
    (("trade", "mark"), ("trademark",)),
)
WORD_FORMS = {
    "center": "centre",
    "centres": "centre",
    "centers": "centre",
    "services": "service",
    "trademarks": "trademark",
    "patents": "patent",
    "registrations": "registration",
    "agencies": "agency",
    "agent": "agency",
    "agents": "agency",
    "consultancy": "consulting",
    "consultants": "consulting",
    "consultant": "consulting",
    "consult": "consulting",
    "tech": "technology",
    "technologies": "technology",
    "intl": "international",
    "attorneys": "attorney",
    "lawyers": "law",
    "lawyer": "law",
    "legal": "law",
    # Cyrillic trade words, as transliterated above
    "partnery": "partners",
    "byuro": "office",
    "agentstvo": "agency",
    "tsentr": "centre",
    "patentnoe": "patent",
    "patentnyy": "patent",
    "patentnaya": "patent",
}
STOP_WORDS = frozenset({"the", "of", "and", "und", "et", "e", "y", "i", "de", "du", "la", "le", "der", "die"})

# Words that say what a provider does rather than who it is: a match on these alone is no match.
GENERIC_WORDS = frozenset(
    [
        "ip",
        "patent",
        "trademark",
        "copyright",
        "registration",
        "service",
        "centre",
        "agency",
        "firm",
        "law",
        "attorney",
        "consulting",
        "technology",
        "international",
        "group",
        "management",
        "appraisal",
        "institute",
        "association",
        "operations",
        "information",
        "office",
        "partners",
        "knowledge",
        "property",
        "china",
        "global",
        "asia",
    ]
)

CYRILLIC = dict(
    zip(
        "абвгдеёжзийклмнопрстуфхцчшщъыьэюяіїєґў",
        [
            "a",
            "b",
            "v",
            "g",
            "d",
            "e",
            "e",
            "zh",
            "z",
            "i",
            "y",
            "k",
            "l",
            "m",
            "n",
            "o",
            "p",
            "r",
            "s",
            "t",
            "u",
            "f",
            "kh",
            "ts",
            "ch",
            "sh",
            "shch",
            "-",
            "y",
            "-",
            "e",
            "yu",
            "ya",
            "i",
            "yi",
            "ye",
            "g",
            "u",
        ],
        strict=True,
    )
)

_HAN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
_NON_WORD = re.compile(r"[^\w]+|_")


@dataclass(frozen=True)
class NameForms:
    """The comparable forms of one name."""

    words: tuple[str, ...]  # folded words, legal forms removed
    distinctive: str  # the words that are not GENERIC_WORDS, unspaced
    compact: str  # every word, unspaced
    pinyin: str  # Han read as pinyin throughout (no glossary), unspaced; "" without Han


def _strip_han_suffixes(text: str) -> str:
    changed = True
    while changed:
        changed = False
        for suffix in HAN_LEGAL_SUFFIXES:
            if text.endswith(suffix) and len(text) > len(suffix):
                text = text[: -len(suffix)].rstrip()
                changed = True
    return text


def _latin(text: str) -> str:
    """Accents dropped and Cyrillic transliterated; Han left as it is."""
    decomposed = unicodedata.normalize("NFKD", text)
    plain = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    plain = unicodedata.normalize("NFC", plain)  # recompose what NFKD split but had no accent (Han, kana)
    return "".join(CYRILLIC.get(ch, ch).replace("-", "") for ch in plain)


def _han_words(run: str) -> list[str]:
    """A run of Han characters as words: glossary terms in English, the rest in pinyin."""
    words: list[str] = []
    pending = ""
    position = 0
    while position < len(run):
        term = next((t for t in _GLOSSARY_TERMS if run.startswith(t, position)), None)
        if term is None:
            pending += run[position]
            position += 1
            continue
        if pending:
            words.append("".join(lazy_pinyin(pending)))
            pending = ""
        words.append(HAN_GLOSSARY[term])
        position += len(term)
    if pending:
        words.append("".join(lazy_pinyin(pending)))
    return words


def _fold(words: list[str]) -> list[str]:
    folded: list[str] = []
    index = 0
    while index < len(words):
        for phrase, replacement in PHRASES:
            if tuple(words[index : index + len(phrase)]) == phrase:
                folded.extend(replacement)
                index += len(phrase)
                break
        else:
            word = WORD_FORMS.get(words[index], words[index])
            if word not in STOP_WORDS:
                folded.append(word)
            index += 1
    while len(folded) > 1 and folded[-1] in LEGAL_SUFFIXES:
        folded.pop()
    while len(folded) > 1 and folded[0] in LEGAL_SUFFIXES:  # "SARL Dupont", "AB Volvo"
        folded.pop(0)
    return folded


@lru_cache(maxsize=4096)
def name_forms(name: str) -> NameForms:
    """The comparable forms of ``name``, in whatever script it is written."""
    text = unicodedata.normalize("NFKC", name).casefold().strip()
    text = _strip_han_suffixes(text)
    text = _latin(text)
    words: list[str] = []
    pinyin: list[str] = []
    for chunk in _NON_WORD.split(text):
        for part in re.split(f"({_HAN.pattern}+)", chunk):
            if not part:
                continue
            if _HAN.match(part):
                words.extend(_han_words(part))
                pinyin.append("".join(lazy_pinyin(part)))
            else:
                words.append(part)
                pinyin.append(part)
    # "b.v." and "s.a." arrive as single letters: join runs of one-letter words before folding.
    words = _join_initials(words)
    folded = _fold(words)
    has_han = bool(_HAN.search(text))
    return NameForms(
        words=tuple(folded),
        distinctive="".join(w for w in folded if w not in GENERIC_WORDS),
        compact="".join(folded),
        pinyin="".join(_fold(_join_initials(pinyin))) if has_han else "",
    )


def _join_initials(words: list[str]) -> list[str]:
    """Join runs of one-letter words: "s a r l" (from "S.A.R.L.") becomes "sarl"."""
    joined: list[str] = []
    in_run = False
    for word in words:
        single = len(word) == 1 and word.isalpha()
        if single and in_run:
            joined[-1] += word
        else:
            joined.append(word)
        in_run = single or (in_run and single)
    return joined


def _ratio(a: str, b: str) -> float:
    if not a or not b:
        return 0.0
    if a == b:
        return 1.0
    matcher = SequenceMatcher(None, a, b, autojunk=False)
    if matcher.real_quick_ratio() < 0.5 or matcher.quick_ratio() < 0.5:
        return matcher.quick_ratio() * 0.5  # far apart: not worth the full comparison
    return matcher.ratio()


def name_similarity(a: str | NameForms, b: str | NameForms) -> float:
    """How alike two names are, 0–1, across scripts, word order and legal forms.

    When both names have distinctive words (not just "IP Registration Service Centre"), those must
    be alike too: two agencies that differ only by their city are not the same provider.
    """
    first = a if isinstance(a, NameForms) else name_forms(a)
    second = b if isinstance(b, NameForms) else name_forms(b)
    if not first.compact or not second.compact:
        return 0.0
    candidates_a = {first.compact, "".join(sorted(first.words))} | ({first.pinyin} - {""})
    candidates_b = {second.compact, "".join(sorted(second.words))} | ({second.pinyin} - {""})
    overall = max(_ratio(x, y) for x in candidates_a for y in candidates_b)
    if first.distinctive and second.distinctive:
        return min(overall, max(overall * 0.5, _ratio(first.distinctive, second.distinctive)))
    if first.distinctive or second.distinctive:
        return overall * 0.8  # one name is only trade words: too generic to tie to the other
    return overall


_NUMBER_LABEL = re.compile(
    r"^\s*(?:(?:c\.?\s*r\.?|reg(?:istration)?|company|companies\s+house|handelsregister|hrb|siren|"
    r"kvk|org(?:anisation)?)\.?\s*)?(?:no|nr|number|num|n°|#)(?:\s*[.:#]\s*|\s+)",
    re.IGNORECASE,
)


def normalise_registration_number(number: str | None) -> str:
    """``"CR No. 2384615"`` → ``"2384615"``; ``"oc 418-273"`` → ``"OC418273"``; None → ``""``."""
    if not number:
        return ""
    text = unicodedata.normalize("NFKC", number)
    text = _NUMBER_LABEL.sub("", text)
    return re.sub(r"[\W_]+", "", text).upper()
