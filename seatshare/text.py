"""What the operator and the forms may type: text without control characters."""


def has_control_characters(value: str, allowed: str = "") -> bool:
    """True when ``value`` holds a C0 control character or DEL not in
    ``allowed``: PostgreSQL refuses NUL in text, and no name, key or address
    needs the others."""
    return any((ord(c) < 32 or ord(c) == 127) and c not in allowed for c in value)
