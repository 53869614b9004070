"""Password policy: what a new password must not be.

- shorter than the minimum length (``auth_password_policy.minlength``, Odoo's key, an
  ``ir.config_parameter``; 8 when unset);
- one of the passwords attackers try first (``data/common_passwords.txt``, shipped with
  Agora, no network), also when disguised: any letter case, digits or symbols around it
  (``Password123!``), usual letter-for-digit swaps (``p@ssw0rd``), reversed;
- the user's login or name, or containing them;
- one character repeated, or a short pattern repeated (``abcabcabc``);
- a simple sequence: ``abcdefgh``, ``13579``, ``87654321``, a keyboard walk (``qwertyui``,
  ``1qaz2wsx``, ``azerty``...).

:func:`check_password` raises :class:`PasswordPolicyError` naming every problem, so the
user knows what to change. The ``res.users`` model applies it when a password is set on
behalf of a user (see ``ResUsers._check_password_policy``).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import lru_cache
from pathlib import Path

from agora.orm.exceptions import ValidationError

#: the ``ir.config_parameter`` holding the minimum length (Odoo's key)
MIN_LENGTH_PARAM = "auth_password_policy.minlength"
DEFAULT_MIN_LENGTH = 8

_COMMON_FILE = Path(__file__).with_name("data") / "common_passwords.txt"

#: letter-for-digit/symbol swaps undone before looking a password up
_LEET = str.maketrans({"0": "o", "1": "i", "3": "e", "4": "a", "5": "s", "7": "t",
                       "8": "b", "9": "g", "@": "a", "$": "s", "!": "i", "|": "l", "+": "t"})
#: "1" stands for "l" about as often as for "i"
_LEET_L = str.maketrans({"1": "l"})

#: keyboard rows and columns (several layouts): a password inside one (either way) is a walk
_KEYBOARD = (
    "`1234567890-=", "qwertyuiop[]\\", "asdfghjkl;'", "zxcvbnm,./",
    "qwertzuiopü", "asdfghjklöä", "yxcvbnm", "azertyuiop", "qsdfghjklm", "wxcvbn",
    "1qaz2wsx3edc4rfv5tgb6yhn7ujm8ik,9ol.0p;/", "zaq1xsw2cde3vfr4bgt5nhy6mju7,ki8.lo9/;p0",
    "qazwsxedcrfvtgbyhnujmikolp", "1q2w3e4r5t6y7u8i9o0p", "q1w2e3r4t5y6u7i8o9p0",
    "qweasdzxc", "147258369", "789456123", "963852741", "741852963", "159753", "357951",
)
#: runs of letters or digits at the ends: "Summer2024!" is "summer" with decoration
_DECORATION = re.compile(r"^[\W\d_]+|[\W\d_]+$")


class PasswordPolicyError(ValidationError):
    """A new password breaks the policy; ``problems`` lists every reason, in words."""

    def __init__(self, problems: list[str]) -> None:
        self.problems = list(problems)
        super().__init__("This password is too easy to guess: " + "; ".join(problems) + ".",
                         model="res.users", field="password")


@lru_cache(maxsize=1)
def common_passwords() -> frozenset[str]:
    """The shipped list (lowercase), read once per process."""
    lines = _COMMON_FILE.read_text(encoding="utf-8").splitlines()
    return frozenset(line.strip().lower() for line in lines
                     if line.strip() and not line.lstrip().startswith("#"))


def password_problems(password: str, *, min_length: int = DEFAULT_MIN_LENGTH,
                      personal: Iterable[str | None] = ()) -> list[str]:
    """Every reason ``password`` is refused (empty: it is acceptable). ``personal``: the
    login, the name... of the user it is for."""
    problems: list[str] = []
    if len(password) < min_length:
        problems.append(f"it has {len(password)} characters, at least {min_length} are needed")
    lowered = password.lower()
    if _is_common(lowered):
        problems.append("it is one of the most common passwords, which attackers try first")
    if _is_personal(lowered, personal):
        problems.append("it is made from the login or the name of the user")
    pattern = _pattern(lowered)
    if pattern:
        problems.append(pattern)
    return problems


def check_password(password: str, *, min_length: int = DEFAULT_MIN_LENGTH,
                   personal: Iterable[str | None] = ()) -> None:
    """Raise PasswordPolicyError unless ``password`` follows the policy."""
    problems = password_problems(password, min_length=min_length, personal=personal)
    if problems:
        raise PasswordPolicyError(problems)


def parse_min_length(value: object) -> int:
    """The minimum length from a parameter's text (the default when unset or invalid)."""
    try:
        length = int(str(value).strip())
    except (TypeError, ValueError):
        return DEFAULT_MIN_LENGTH
    return max(length, 0)


# -- the checks ---------------------------------------------------------------------------------
def _forms(lowered: str) -> set[str]:
    """``lowered`` and the words it may disguise (decoration off, swaps undone, reversed)."""
    forms: set[str] = set()
    for base in (lowered, _DECORATION.sub("", lowered)):
        for variant in (base, base.translate(_LEET), base.translate(_LEET_L).translate(_LEET)):
            forms.add(variant)
            forms.add(_DECORATION.sub("", variant))
    forms |= {form[::-1] for form in forms}
    return {form for form in forms if form}


def _is_common(lowered: str) -> bool:
    known = common_passwords()
    return any(form in known for form in _forms(lowered))


def _is_personal(lowered: str, personal: Iterable[str | None]) -> bool:
    words: set[str] = set()
    for item in personal:
        if not isinstance(item, str) or not item.strip():
            continue
        text = item.strip().lower()
        words.add(text)
        words.add(text.split("@")[0])  # an e-mail login: its local part
        words.update(part for part in re.split(r"[\s@._\-]+", text) if len(part) >= 4)
    forms = _forms(lowered)
    for word in words:
        if not word:
            continue
        if word in forms or (len(word) >= 4 and any(word in form for form in forms)):
            return True
    return False


def _pattern(lowered: str) -> str | None:
    """Why ``lowered`` (or its core without decoration) is a pattern, or None."""
    candidates = [lowered]
    core = _DECORATION.sub("", lowered)
    if len(core) >= 4 and core != lowered:
        candidates.append(core)
    for text in candidates:
        if len(set(text)) == 1 and len(text) > 1:
            return "it repeats one character"
        if re.fullmatch(r"(.{2,4}?)\1+", text, flags=re.DOTALL):
            return "it repeats a short pattern"
        if len(text) >= 3 and (_is_progression(text) or _is_keyboard_walk(text)):
            return "it is a simple sequence (like abcd, 1234 or qwerty)"
    return None


def _is_progression(text: str) -> bool:
    """Letters or digits a fixed small step apart: abcd, 2468, 9876, acegi."""
    if not (text.isalpha() or text.isdigit()):
        return False
    steps = {ord(b) - ord(a) for a, b in zip(text, text[1:], strict=False)}
    if len(steps) == 1 and next(iter(steps)) in (-2, -1, 1, 2):
        return True
    # digits wrapping around: 7890123, 32109876, 2468024680
    if text.isdigit():
        steps = {(int(b) - int(a)) % 10 for a, b in zip(text, text[1:], strict=False)}
        return len(steps) == 1 and next(iter(steps)) in (1, 2, 8, 9)
    return False


def _is_keyboard_walk(text: str) -> bool:
    return any(text in row or text in row[::-1] for row in _KEYBOARD)
