"""What the operator and the forms may type: text without control
characters; and what "blank" means, for every field that trims."""
import bisect

# The blank characters, as (first, last) code point ranges in order: Unicode
# white space (what ``str.isspace`` takes: U+00A0, U+3000, …) and the format
# characters (category Cf: U+200B, U+200D, U+2060, U+FEFF, U+00AD, the
# direction marks, …): nothing a reader sees. Not the format characters that
# Unicode calls Prepended_Concatenation_Mark (tests/test_text.py lists them):
# visible signs before a number (U+0600 ARABIC NUMBER SIGN, U+06DD END OF
# AYAH, …). Written out rather than scanned from ``unicodedata`` at start
# (196,608 code points, up to a second); tests/test_text.py compares it with
# the scan and prints it anew (``python -m tests.test_text``) when Python's
# Unicode data differs.
BLANK_RANGES = (
    (0x0009, 0x000D), (0x001C, 0x0020), (0x0085, 0x0085), (0x00A0, 0x00A0),
    (0x00AD, 0x00AD), (0x061C, 0x061C), (0x1680, 0x1680), (0x180E, 0x180E),
    (0x2000, 0x200F), (0x2028, 0x202F), (0x205F, 0x2064), (0x2066, 0x206F),
    (0x3000, 0x3000), (0xFEFF, 0xFEFF), (0xFFF9, 0xFFFB), (0x13430, 0x13438),
    (0x1BCA0, 0x1BCA3), (0x1D173, 0x1D17A), (0xE0001, 0xE0001), (0xE0020, 0xE007F),
)
_BLANK_FIRSTS = [first for first, _ in BLANK_RANGES]

# Tag characters: invisible, but the end of an emoji flag's tag sequence
# (England's flag is U+1F3F4, five tags, U+E007F), so trimming keeps them
# after something visible.
TAG_CHARACTERS = range(0xE0020, 0xE0080)


def has_control_characters(value: str, allowed: str = "") -> bool:
    """True when ``value`` holds a C0 control character or DEL not in
    ``allowed``: PostgreSQL refuses NUL in text, and no name, key or address
    needs the others."""
    return any((ord(c) < 32 or ord(c) == 127) and c not in allowed for c in value)


def checked_name(value: str, max_length: int, field: str = "name", allowed: str = "") -> str:
    """``value`` trimmed: a name (or a key) the operator types or a file
    gives. ValueError, saying what is wrong with the ``field``, when it is
    blank, holds a control character not in ``allowed``, or is longer than
    ``max_length`` characters once trimmed."""
    name = trimmed(value)
    if not name:
        raise ValueError(f"the {field} must not be blank")
    if has_control_characters(name, allowed):
        raise ValueError(f"the {field} must not contain control characters")
    if len(name) > max_length:
        raise ValueError(f"the {field} is longer than {max_length} characters")
    return name


def is_blank_character(c: str) -> bool:
    """Whether ``c`` is in ``BLANK_RANGES``."""
    code = ord(c)
    index = bisect.bisect_right(_BLANK_FIRSTS, code) - 1
    return index >= 0 and code <= BLANK_RANGES[index][1]


def is_blank(value: str) -> bool:
    """Whether ``value`` is empty or holds only blank characters."""
    return all(is_blank_character(c) for c in value)


def trimmed(value: str) -> str:
    """``value`` without the blank characters around it: "" when it is
    blank. Tag characters after something visible stay (a flag)."""
    start, end = 0, len(value)
    while start < end and is_blank_character(value[start]):
        start += 1
    while end > start and is_blank_character(value[end - 1]) and (
            ord(value[end - 1]) not in TAG_CHARACTERS):
        end -= 1
    return value[start:end]


def blank_character_class() -> str:
    """The blank characters up to U+FFFF as the inside of a regular
    expression's class, each written ``\\uXXXX``, for the OpenAPI document's
    patterns. The class reads the same as ECMA-262 with or without the u
    flag and in Python's re. The blank characters beyond U+FFFF
    (``blank_ranges_beyond_bmp``; the tag characters among them, which
    ``trimmed`` keeps at the end) are left out: without the u flag a class
    reads each as two halves of a surrogate pair."""
    return "".join(_class_range(first, last) for first, last in BLANK_RANGES if last <= 0xFFFF)


def blank_ranges_beyond_bmp() -> tuple:
    """The ranges of the blank characters beyond U+FFFF."""
    return tuple((first, last) for first, last in BLANK_RANGES if first > 0xFFFF)


def _class_range(first: int, last: int) -> str:
    return f"\\u{first:04X}" if first == last else f"\\u{first:04X}-\\u{last:04X}"
