"""Reading a committed mail as a recipient does: its running text is
filled to 72 columns (seatshare.mail.messages.compose), so where a
line breaks depends on the names in it."""


def prose(message) -> str:
    """``message``'s body with every run of white space, line breaks
    included, as one space."""
    return " ".join(message.body.split())


def told_in_order(text: str, *parts: str) -> bool:
    """Whether each of ``parts`` is in ``text``, each after the one before."""
    places = [text.index(part) for part in parts]
    return places == sorted(places)
