"""``tokens purge``."""
import datetime
import io
import json

from seatshare.cli import main
from seatshare.models import Application, EmailChangeUndo, Token, User, utcnow
from seatshare.tokens import hash_token, new_token

from .conftest import count


def make_token(db, user, app, expires_in):
    now = utcnow()
    token = Token(
        access_token_hash=hash_token(new_token()),
        refresh_token_hash=hash_token(new_token()),
        application_id=app.id,
        user_id=user.id,
        scopes="read write",
        family=new_token()[:32],
        expires_at=now + datetime.timedelta(seconds=expires_in),
        refresh_expires_at=now + datetime.timedelta(seconds=expires_in),
    )
    db.add(token)
    return token


def test_tokens_purge_deletes_only_expired_tokens(seatshare, db):
    user = User(email="a@example.com", first_name="A", last_name="B")
    app = Application(client_id="c", name="App", redirect_uris=["https://x.example/cb"])
    db.add_all([user, app])
    db.flush()
    make_token(db, user, app, -60)
    live = make_token(db, user, app, 3600)
    db.commit()
    live_id = live.id

    run = seatshare("tokens", "purge", "--json")
    assert run.code == 0, run.err
    assert run.json["tokens"] == 1
    assert count(db, Token) == 1
    assert db.get(Token, live_id) is not None
    assert seatshare("tokens", "purge").out.startswith("Purged 0 tokens")


def test_tokens_purge_keeps_the_sign_in_attempts_of_a_longer_window(seatshare, ini, db):
    """A day-old failed sign-in still counts when seatshare.signin_window_seconds
    is longer than a day: purging it would lift the limit early."""
    from seatshare.models import SignInAttempt

    with open(ini) as f:
        text = f.read()
    with open(ini, "w") as f:
        f.write(text.replace("[app:main]\n",
                             "[app:main]\nseatshare.signin_window_seconds = 172800\n", 1))
    now = utcnow()
    db.add_all([SignInAttempt(key="account:x", created_at=now - datetime.timedelta(hours=36)),
                SignInAttempt(key="account:x", created_at=now - datetime.timedelta(hours=49))])
    db.commit()

    run = seatshare("tokens", "purge", "--json")
    assert run.code == 0, run.err
    assert run.json["sign_in_attempts"] == 1
    assert count(db, SignInAttempt) == 1


def test_tokens_purge_with_a_bad_window_is_one_line_naming_it(seatshare, ini, db):
    with open(ini) as f:
        text = f.read()
    with open(ini, "w") as f:
        f.write(text.replace("[app:main]\n",
                             "[app:main]\nseatshare.signin_window_seconds = 15m\n", 1))
    run = seatshare("tokens", "purge", "--json")
    assert run.code == 1
    assert run.out == ""
    assert run.err == (f"seatshare: error: {ini}: seatshare.signin_window_seconds must be "
                       "a positive number of seconds, at most 3153600000, not '15m'\n")


def test_tokens_purge_deletes_email_undo_links_used_or_expired(seatshare, db):
    """A used, ended or expired link can never work again; a live one stays."""
    user = User(email="a@example.com", first_name="A", last_name="B")
    db.add(user)
    db.flush()
    now = utcnow()
    week = datetime.timedelta(days=7)
    rows = {state: EmailChangeUndo(
        user_id=user.id, token_hash=hash_token(new_token()), restore_email="old@example.com",
        changed_to="a@example.com", application_name="App",
        expires_at=now + (-week if state == "expired" else week),
        ended_at=now if state == "used" else None)
        for state in ("used", "expired", "live")}
    db.add_all(rows.values())
    db.commit()
    live_id = rows["live"].id

    run = seatshare("tokens", "purge", "--json")
    assert run.code == 0, run.err
    assert run.json["email_undo_links"] == 2
    assert count(db, EmailChangeUndo) == 1
    assert db.get(EmailChangeUndo, live_id) is not None


class Terminal(io.StringIO):
    def isatty(self):
        return True


def test_tokens_purge_at_a_terminal_shows_its_progress_on_stderr_only(ini, db):
    """A purge of a large table took minutes with nothing on the screen;
    stdout still holds the JSON object alone."""
    user = User(email="a@example.com", first_name="A", last_name="B")
    app = Application(client_id="c", name="App", redirect_uris=["https://x.example/cb"])
    db.add_all([user, app])
    db.flush()
    make_token(db, user, app, -60)
    db.commit()
    out, err = io.StringIO(), Terminal()
    assert main([ini, "tokens", "purge", "--json"], stdout=out, stderr=err) == 0
    assert json.loads(out.getvalue())["tokens"] == 1
    assert err.getvalue() == "".join(
        f"\rPurging expired rows: {done}/4 tables" for done in range(5)
    ) + "\rPurging expired rows: 4/4 tables\n"


def test_tokens_purge_from_cron_writes_nothing_on_stderr(seatshare):
    """Cron mails whatever a job writes; `tokens purge >/dev/null` daily
    should mail only its errors."""
    run = seatshare("tokens", "purge", "--json")
    assert (run.code, run.err) == (0, "")
    assert run.json["tokens"] == 0


def test_tokens_purge_stopped_at_a_terminal_ends_its_line_before_the_error(
    ini, db, monkeypatch
):
    from seatshare.cli import tokens as command

    def interrupted(dbsession, signin_window_seconds, progress):
        progress(0, 4)
        progress(1, 4)
        raise KeyboardInterrupt

    monkeypatch.setattr(command, "purge_expired", interrupted)
    out, err = io.StringIO(), Terminal()
    assert main([ini, "tokens", "purge", "--json"], stdout=out, stderr=err) == 130
    assert out.getvalue() == ""
    assert err.getvalue() == (
        "\rPurging expired rows: 0/4 tables\rPurging expired rows: 1/4 tables\n"
        "seatshare: error: interrupted; nothing was written\n"
    )
