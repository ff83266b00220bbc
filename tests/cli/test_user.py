import datetime
import io

import pytest
from argon2 import PasswordHasher
from sqlalchemy import select

from seatshare.models import EmailChangeUndo, User, utcnow

from .conftest import count

ARGS = ["--password", "correct horse battery", "--first-name", "Ada", "--last-name", "Lovelace"]


def test_user_create_prints_the_user_as_json(seatshare, db):
    run = seatshare("user", "create", "--email", "Ada@Example.com", *ARGS, "--json")
    assert run.code == 0
    user = db.scalar(select(User))
    assert run.json == {
        "id": user.id,
        "email": "ada@example.com",
        "first_name": "Ada",
        "last_name": "Lovelace",
    }


def test_user_create_stores_an_argon2id_hash_not_the_password(seatshare, db):
    seatshare("user", "create", "--email", "ada@example.com", *ARGS)
    user = db.scalar(select(User))
    assert user.password_hash.startswith("$argon2id$")
    assert "correct horse battery" not in user.password_hash
    assert PasswordHasher().verify(user.password_hash, "correct horse battery")


def test_user_create_without_json_prints_a_sentence(seatshare):
    run = seatshare("user", "create", "--email", "ada@example.com", *ARGS)
    assert run.code == 0
    assert run.out.startswith("Created user ")
    assert "ada@example.com" in run.out


def test_user_create_refuses_a_taken_email_in_any_case(seatshare, db):
    assert seatshare("user", "create", "--email", "ada@example.com", *ARGS).code == 0
    run = seatshare("user", "create", "--email", "ADA@example.com", *ARGS, "--json")
    assert run.code == 1
    assert run.out == ""
    assert run.err.count("\n") == 1
    assert "already exists" in run.err
    assert count(db, User) == 1


def reserve(db, email, expires_at):
    """``email`` changed away from an account by an application, with an
    undo link that works until ``expires_at``."""
    owner = User(email="moved@example.net", password_hash="x", first_name="Old", last_name="Owner")
    db.add(owner)
    db.flush()
    db.add(EmailChangeUndo(user_id=owner.id, token_hash="0" * 64, restore_email=email,
                           changed_to=owner.email, application_name="Courtside",
                           expires_at=expires_at))
    db.commit()
    return owner.id


@pytest.mark.parametrize("json_flag", [[], ["--json"]])
def test_user_create_says_an_email_is_reserved_by_an_undoable_change(seatshare, db, json_flag):
    until = utcnow() + datetime.timedelta(days=3)
    owner_id = reserve(db, "ada@example.com", until)
    run = seatshare("user", "create", "--email", "ADA@example.com", *ARGS, *json_flag)
    assert run.code == 1
    assert run.out == ""
    assert run.err == (
        f"seatshare: error: ada@example.com is reserved until {until:%Y-%m-%d %H:%M:%S} UTC: "
        f"an application changed user {owner_id}'s email away from it, and the link mailed "
        "to it can still undo that\n")
    assert count(db, User) == 1


def test_user_create_takes_an_email_whose_undo_expired(seatshare, db):
    reserve(db, "ada@example.com", utcnow() - datetime.timedelta(seconds=1))
    assert seatshare("user", "create", "--email", "ada@example.com", *ARGS).code == 0


def test_user_create_refuses_a_short_password(seatshare, db):
    run = seatshare(
        "user", "create", "--email", "ada@example.com", "--password", "short",
        "--first-name", "Ada", "--last-name", "Lovelace",
    )
    assert run.code == 1
    assert "--password: Use at least 10 characters." in run.err
    assert count(db, User) == 0


@pytest.mark.parametrize("password,message", [
    ("          ", "cannot be only spaces"),
    ("aaaaaaaaaa", "cannot be one character repeated"),
    ("ADA.LOVELACE@example.com", "cannot be your email address"),
    ("Password123", "one of the most common passwords"),
])
def test_user_create_refuses_a_weak_password_as_sign_up_does(seatshare, db, password, message):
    run = seatshare(
        "user", "create", "--email", "ada.lovelace@example.com", "--password", password,
        "--first-name", "Ada", "--last-name", "Lovelace",
    )
    assert run.code == 1
    assert "--password: " in run.err and message in run.err
    assert count(db, User) == 0


def test_user_create_refuses_something_that_is_not_an_email(seatshare, db):
    run = seatshare("user", "create", "--email", "not an email", *ARGS)
    assert run.code == 1
    assert "--email: Enter an email address, like name@example.com." in run.err
    assert count(db, User) == 0


NAMES = ["--first-name", "Ada", "--last-name", "Lovelace"]


class Terminal:
    """Standard input as a terminal, where getpass asks."""

    def isatty(self):
        return True


def stored_password_is(db, password):
    user = db.scalar(select(User))
    return user is not None and PasswordHasher().verify(user.password_hash, password)


@pytest.mark.parametrize("piped", ["correct horse battery\n", "correct horse battery\r\n",
                                   "correct horse battery", "correct horse battery\nmore\n"])
def test_without_password_the_first_line_of_stdin_is_read(seatshare, db, monkeypatch, piped):
    monkeypatch.setattr("sys.stdin", io.StringIO(piped))
    run = seatshare("user", "create", "--email", "ada@example.com", *NAMES)
    assert run.code == 0, run.err
    assert stored_password_is(db, "correct horse battery")


def test_without_password_a_terminal_is_asked_twice(seatshare, db, monkeypatch):
    prompts = []
    monkeypatch.setattr("sys.stdin", Terminal())
    monkeypatch.setattr("getpass.getpass",
                        lambda prompt: prompts.append(prompt) or "correct horse battery")
    run = seatshare("user", "create", "--email", "ada@example.com", *NAMES)
    assert run.code == 0, run.err
    assert prompts == ["Password: ", "Password again: "]
    assert stored_password_is(db, "correct horse battery")


def test_two_different_passwords_at_the_terminal_create_nothing(seatshare, db, monkeypatch):
    answers = iter(["correct horse battery", "correct horse batterY"])
    monkeypatch.setattr("sys.stdin", Terminal())
    monkeypatch.setattr("getpass.getpass", lambda prompt: next(answers))
    run = seatshare("user", "create", "--email", "ada@example.com", *NAMES)
    assert (run.code, run.err) == (1, "seatshare: error: the two passwords differ\n")
    assert count(db, User) == 0


def test_end_of_input_at_the_terminal_prompt_is_an_error(seatshare, db, monkeypatch):
    def ctrl_d(prompt):
        raise EOFError  # what getpass raises for Ctrl-D at the prompt
    monkeypatch.setattr("sys.stdin", Terminal())
    monkeypatch.setattr("getpass.getpass", ctrl_d)
    run = seatshare("user", "create", "--email", "ada@example.com", *NAMES)
    assert (run.code, run.err) == (1, "seatshare: error: no password typed\n")
    assert count(db, User) == 0


def test_nothing_on_stdin_is_an_error(seatshare, db, monkeypatch):
    monkeypatch.setattr("sys.stdin", io.StringIO(""))
    run = seatshare("user", "create", "--email", "ada@example.com", *NAMES)
    assert run.code == 1 and "nothing on standard input" in run.err
    assert count(db, User) == 0


def test_a_password_read_from_stdin_meets_the_same_rules(seatshare, db, monkeypatch):
    monkeypatch.setattr("sys.stdin", io.StringIO("password123\n"))
    run = seatshare("user", "create", "--email", "ada@example.com", *NAMES)
    assert run.code == 1 and "--password: " in run.err and "most common" in run.err
    assert count(db, User) == 0


def latin1_stdin(errors):
    return io.TextIOWrapper(io.BytesIO(b"p\xe4ssword horse battery\n"), encoding="utf-8",
                            errors=errors)


NOT_UTF8 = ("the password on standard input is not UTF-8 text (is the terminal's "
            "encoding UTF-8?); nothing was written")


@pytest.mark.parametrize("stdin, message", [
    # `… user create … <&-` (or a service started without stdin): Python's
    # sys.stdin is None, and there is no password to read.
    (lambda: None, "no --password, and standard input is closed: nothing to read it from"),
    # `printf 'p\xe4ss…' | …` from a Latin-1 file or terminal: Python's
    # stdin keeps the byte as a lone surrogate (C.UTF-8 locale) or fails to
    # decode it; neither can be hashed.
    (lambda: latin1_stdin("surrogateescape"), NOT_UTF8),
    (lambda: latin1_stdin("strict"), NOT_UTF8),
])
def test_a_password_standard_input_cannot_give_is_one_line(
    seatshare, db, monkeypatch, stdin, message
):
    monkeypatch.setattr("sys.stdin", stdin())
    run = seatshare("user", "create", "--email", "ada@example.com", *NAMES)
    assert (run.code, run.out, run.err) == (1, "", f"seatshare: error: {message}\n")
    assert count(db, User) == 0
