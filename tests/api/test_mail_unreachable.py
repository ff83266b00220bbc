"""Mail sent straight over SMTP (no ``mail.queue_path``) to a server that
cannot be reached: the write has committed before the mail is tried, so
the client gets the write's own answer and the log says which mail was lost."""
import logging
import socket

from seatshare.models import GroupInvitation, TicketRequest

API = "/api/v1"


def closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


APP_OVERRIDES = {
    "mail.mailer": "smtp",
    "mail.host": "127.0.0.1",
    "mail.port": str(closed_port()),
    "mail.queue_path": "",
}


def test_an_invitation_committed_answers_201_though_its_mail_is_lost(
    make_client, world, dbsession, caplog
):
    client = make_client()
    res = client.post_json(f"{API}/groups/{world.group.id}/invitations",
                           {"email": "friend@example.com"},
                           headers=world.headers("admin"), status=201)
    dbsession.expire_all()
    assert dbsession.get(GroupInvitation, res.json["id"]) is not None
    [record] = [r for r in caplog.records if "not sent" in r.getMessage()]
    assert record.levelno == logging.ERROR
    assert "friend@example.com" in record.getMessage()


def test_a_ticket_request_committed_answers_201_though_its_mail_is_lost(
    make_client, world, dbsession, caplog
):
    client = make_client()
    res = client.post_json(f"{API}/ticket/{world.ticket.id}/requests", {"message": "please"},
                           headers=world.headers("member"), status=201)
    dbsession.expire_all()
    assert dbsession.get(TicketRequest, res.json["id"]) is not None
    assert any("not sent" in r.getMessage() for r in caplog.records)
