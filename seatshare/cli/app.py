"""``app create``, ``app list``, ``app disable``, ``app enable``: OAuth client applications."""
from ..oauth.applications import (
    ApplicationError,
    application_as_dict,
    list_applications,
    register_application,
    set_application_disabled,
)
from .base import CommandError, Outcome

CLIENT_ID_HELP = "as app create printed it (app list shows every one)"


def register(groups):
    commands = groups.add_group("app", help="OAuth client applications")
    create_parser = commands.add_command(
        "create", create, "register an application (prints its secret once)"
    )
    create_parser.add_argument(
        "--name", required=True, help="shown to users on the sign-in and consent pages"
    )
    create_parser.add_argument(
        "--redirect-uri",
        dest="redirect_uris",
        action="append",
        required=True,
        metavar="URI",
        help="an exact redirect URI; repeat for several",
    )
    create_parser.add_argument(
        "--public", action="store_true", help="a public client: no secret, must use PKCE"
    )
    create_parser.add_argument(
        "--trusted", action="store_true", help="first-party: skips the consent page"
    )
    commands.add_command("list", list_, "list the registered applications")
    disable_parser = commands.add_command(
        "disable", disable, "disable an application: its tokens stop working"
    )
    disable_parser.add_argument("client_id", metavar="CLIENT_ID", help=CLIENT_ID_HELP)
    enable_parser = commands.add_command(
        "enable", enable,
        "enable a disabled application again: its unexpired tokens work again",
    )
    enable_parser.add_argument("client_id", metavar="CLIENT_ID", help=CLIENT_ID_HELP)


def create(args, env):
    try:
        application, secret = register_application(
            env.dbsession,
            args.name,
            args.redirect_uris,
            public=args.public,
            trusted=args.trusted,
        )
    except ApplicationError as exc:
        raise CommandError(str(exc)) from None
    record = {**application_as_dict(application, secret), "client_secret": secret}
    lines = [
        f"Registered application {application.name!r}.",
        f"  client_id:     {application.client_id}",
    ]
    if secret:
        lines += [
            f"  client_secret: {secret}",
            "Store the secret now: it is shown only this once.",
        ]
    else:
        lines.append("A public client: it has no secret and must use PKCE.")
    return Outcome(record, "\n".join(lines))


def list_(args, env):
    applications = [application_as_dict(a) for a in list_applications(env.dbsession)]
    lines = [
        f"{a['client_id']}  {a['name']}"
        + "".join(f"  [{flag}]" for flag in ("public", "trusted", "disabled") if a[flag])
        for a in applications
    ]
    return Outcome(
        {"applications": applications}, "\n".join(lines) or "No applications registered."
    )


# What `app disable` and `app enable` say, by (disabled, changed).
SWITCHED = {
    (True, True): "Disabled application {name!r}.",
    (True, False): "Application {name!r} was already disabled: nothing changed.",
    (False, True): "Enabled application {name!r}: its tokens that have not expired "
                   "work again (for a leaked secret, register a new application instead).",
    (False, False): "Application {name!r} was already enabled: nothing changed.",
}


def disable(args, env):
    return switched(env, args.client_id, disabled=True)


def enable(args, env):
    return switched(env, args.client_id, disabled=False)


def switched(env, client_id, disabled):
    """Told apart whether it was not already so, so that a second `app
    disable` does not say it disabled anything."""
    try:
        application, changed = set_application_disabled(env.dbsession, client_id, disabled)
    except ApplicationError as exc:
        raise CommandError(f"{exc} (app list shows every one)") from None
    text = SWITCHED[disabled, changed].format(name=application.name)
    return Outcome(application_as_dict(application), text)
