"""Pure: join codes a teacher reads aloud and children type, and re-join tokens.

The alphabet leaves out what is easy to confuse when read or heard (0/O, 1/I/L)."""

from __future__ import annotations

import secrets

ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
CODE_LENGTH = 6
CARD_CODE_LENGTH = 4
MEMBER_PREFIX = "m-"


def new_code(length: int = CODE_LENGTH) -> str:
    return "".join(secrets.choice(ALPHABET) for _ in range(length))


def new_card_code() -> str:
    """A child's own short code, printed on their card: with the class code and their
    name it brings them back on another device (typed, not clicked)."""
    return new_code(CARD_CODE_LENGTH)


def normalise(typed: str) -> str:
    """What a child typed, as a code: capitals, no spaces or dashes."""
    return "".join(ch for ch in typed.upper() if not ch.isspace() and ch != "-")


def spoken(code: str) -> str:
    """The code in two groups of three, easier to read aloud and copy: "ABC 234"."""
    return f"{code[:3]} {code[3:]}" if len(code) == CODE_LENGTH else code


def new_member_visitor() -> str:
    """A class member's visitor id: the session's player id while they play (visitors.py).
    The prefix tells a member's id from a guest's."""
    return MEMBER_PREFIX + secrets.token_hex(16)


def new_rejoin_token() -> str:
    return secrets.token_urlsafe(18)
