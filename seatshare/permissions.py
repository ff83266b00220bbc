"""The permissions that ``__acl__`` methods grant and views require.

One enum, used on both sides, so a typo is an AttributeError at import time
rather than a view nobody can reach.
"""
import enum


class Permission(enum.StrEnum):
    LIST = "list"  # GET a container (a filtered list)
    CREATE = "create"  # POST to a container
    VIEW = "view"  # GET one record
    EDIT = "edit"  # PUT one record (a ticket request: its answer, or its withdrawal)
    DELETE = "delete"  # DELETE one record
    REQUEST = "request"  # ask for a ticket
    LEAVE = "leave"  # remove a membership
    JOIN = "join"  # join a group with an invitation code
    CHANGE_PASSWORD = "change_password"  # the signed-in browser's own password
    RESET_PASSWORD = "reset_password"  # the password a reset link is for
    UNDO_EMAIL_CHANGE = "undo_email_change"  # the change an undo link was mailed for
