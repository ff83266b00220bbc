"""Reading a committed mail as a recipient does: its running text is
filled to 72 columns (seatshare.mail.messages.compose), so where a
line breaks depends on the names in it."""


def prose(message) -> str:
    """``message``'s body with every run of white space, line breaks
    included, as one space."""
    return " ".join(message.body.split())
