"""seatshare.text's table of blank characters against Python's Unicode data.

Run as ``python -m tests.test_text`` to print the table as Unicode data
makes it, for seatshare/text.py's ``BLANK_RANGES``."""
import unicodedata

from seatshare.text import (
    BLANK_RANGES,
    TAG_CHARACTERS,
    is_blank_character,
    trimmed,
)

# Unicode's PropList.txt, Prepended_Concatenation_Mark (unicodedata lacks
# it): format characters that show, which BLANK_RANGES leaves out.
PREPENDED_CONCATENATION_MARKS = frozenset(
    [*range(0x0600, 0x0606), 0x06DD, 0x070F, 0x0890, 0x0891, 0x08E2, 0x110BD, 0x110CD])


def scanned_blank_ranges() -> tuple:
    """White space and format characters (category Cf), by ``unicodedata``,
    but the prepended concatenation marks (visible number signs)."""
    ranges, first = [], None
    for code in range(0x110000):
        char = chr(code)
        if char.isspace() or (unicodedata.category(char) == "Cf"
                              and code not in PREPENDED_CONCATENATION_MARKS):
            if first is None:
                first = code
            last = code
        elif first is not None:
            ranges.append((first, last))
            first = None
    return tuple(ranges)


def table_text(ranges) -> str:
    pairs = [f"(0x{first:04X}, 0x{last:04X})," for first, last in ranges]
    return "\n".join("    " + " ".join(pairs[i:i + 4]) for i in range(0, len(pairs), 4))


def test_the_table_of_blank_characters_is_unicode_data_s():
    scanned = scanned_blank_ranges()
    assert BLANK_RANGES == scanned, (
        f"Python's Unicode data ({unicodedata.unidata_version}) differs from "
        "seatshare/text.py's BLANK_RANGES: replace them with what "
        "`python -m tests.test_text` prints.")


def test_is_blank_character_is_the_table():
    blank = {code for first, last in BLANK_RANGES for code in range(first, last + 1)}
    assert {code for code in range(0x110000) if is_blank_character(chr(code))} == blank


def test_a_number_sign_is_not_blank():
    """U+0600 ARABIC NUMBER SIGN, U+06DD END OF AYAH: format characters
    that show, above the digits after them."""
    for code in PREPENDED_CONCATENATION_MARKS:
        assert unicodedata.category(chr(code)) == "Cf"
        assert not is_blank_character(chr(code))
    assert trimmed(" \u0600\u0661\u0662\u200b") == "\u0600\u0661\u0662"


def test_trimming_keeps_the_tags_after_something_visible():
    tag = chr(TAG_CHARACTERS[0])
    assert trimmed(f"{tag}\u200b x{tag}\u200b ") == f"x{tag}"


if __name__ == "__main__":
    print(f"# Unicode {unicodedata.unidata_version}")
    print(table_text(scanned_blank_ranges()))
