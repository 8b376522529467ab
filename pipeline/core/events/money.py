"""Money amounts with their currency: "3,7 миллиона долларов", "545 миллионов иен", "$2 млрд", "1,3 миллиарда иен"."""

from __future__ import annotations

import re
from dataclasses import dataclass

from .ontology import currencies

_MULTIPLIERS = (("трлн", 1e12), ("триллион", 1e12), ("млрд", 1e9), ("миллиард", 1e9), ("млн", 1e6),
                ("миллион", 1e6), ("тыс", 1e3), ("тысяч", 1e3))
_AMOUNT = re.compile(
    r"(?P<pre>[$€¥₽])?\s?(?P<num>\d{1,3}(?:[ \u00a0]\d{3})+|\d+(?:[.,]\d+)?)\s?"
    r"(?P<mult>триллион\w{0,3}|трлн|миллиард\w{0,3}|млрд|миллион\w{0,3}|млн|тысяч\w{0,2}|тыс\.?)?\.?\s?"
    r"(?P<adj>(?:северокорейск|южнокорейск|японск|китайск|американск|монгольск|российск)\w{0,3}\s)?"
    r"(?P<cur>[A-Za-zА-Яа-яЁё$€¥₽.]{1,12})?", re.I)


@dataclass(frozen=True)
class Money:
    amount: float
    currency: str
    start: int
    end: int


def _currency(word: str, adjective: str) -> str | None:
    w = word.lower()
    for stem, iso in currencies():
        if w.startswith(stem):
            if iso == "KRW" and adjective.lower().startswith("северокорейск"):
                return "KPW"
            return iso
    return None


def find_money(text: str) -> list[Money]:
    """Every amount with a recognized currency in ``text``, in order."""
    found = []
    for m in _AMOUNT.finditer(text):
        currency = None
        if m.group("pre"):
            currency = _currency(m.group("pre"), "")
        if currency is None and m.group("cur"):
            currency = _currency(m.group("cur"), m.group("adj") or "")
        if currency is None:
            continue
        number = float(m.group("num").replace(" ", "").replace("\u00a0", "").replace(",", "."))
        mult = m.group("mult") or ""
        factor = next((f for stem, f in _MULTIPLIERS if mult.lower().startswith(stem)), 1.0)
        found.append(Money(round(number * factor, 2), currency, m.start(), m.end()))
    return found
