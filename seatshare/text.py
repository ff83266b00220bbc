"""What the operator and the forms may type: text without control
characters; and what "blank" means, for every field that trims."""
import functools
import unicodedata

# Tag characters: invisible, but the end of an emoji flag's tag sequence
# (England's flag is U+1F3F4, five tags, U+E007F), so trimming keeps them
# after something visible.
TAG_CHARACTERS = range(0xE0020, 0xE0080)


def has_control_characters(value: str, allowed: str = "") -> bool:
    """True when ``value`` holds a C0 control character or DEL not in
    ``allowed``: PostgreSQL refuses NUL in text, and no name, key or address
    needs the others."""
    return any((ord(c) < 32 or ord(c) == 127) and c not in allowed for c in value)


def is_blank_character(c: str) -> bool:
    """Unicode white space (what ``str.isspace`` takes: U+00A0, U+3000, …)
    or a format character (category Cf: U+200B, U+200D, U+2060, U+FEFF,
    U+00AD, the direction marks, …): nothing a reader sees."""
    return c.isspace() or unicodedata.category(c) == "Cf"


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


@functools.cache
def blank_character_class(trailing: bool = False) -> str:
    """The blank characters as the inside of a regular expression's class
    (ranges of literal characters), for the OpenAPI document's patterns;
    ``trailing``: those ``trimmed`` removes at the end (no tags)."""
    ranges, first, last = [], None, None
    # Every white space and format character is in planes 0, 1 and 14,
    # each checked as is_blank_character does, in bulk (a second or so).
    codes = [*range(0x20000), *range(0xE0000, 0xF0000)]
    chars = list(map(chr, codes))
    blank = map(lambda char, category: category == "Cf" or char.isspace(),
                chars, map(unicodedata.category, chars))
    for code, is_blank_code in zip(codes, blank):
        if is_blank_code and not (trailing and code in TAG_CHARACTERS):
            if first is None:
                first = code
            last = code
        elif first is not None:
            ranges.append((first, last))
            first = None
    return "".join(_class_range(low, high) for low, high in ranges)


def _class_range(low: int, high: int) -> str:
    def literal(code):
        # Escaped where a class would read the character otherwise (none of
        # the blank characters is one today), and control characters by code.
        return f"\\u{code:04x}" if code < 0x20 or code == 0x7f else chr(code)
    return literal(low) if low == high else f"{literal(low)}-{literal(high)}"
