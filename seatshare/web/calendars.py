"""``/calendars``: the signed-in user's secret calendar feed URLs, to paste
into a calendar app, and new ones when the old have leaked."""
from pyramid.httpexceptions import HTTPFound, HTTPSeeOther
from pyramid.view import view_config
from sqlalchemy import select

from ..calendar import group_feed_url, reset_feed_secret, user_feed_url
from ..models import Group, by_code_point
from ..permissions import Permission
from ..resources.membership import active_group_ids
from .pages import page
from .resources import CalendarsPage

NEW_LINKS = ("New calendar links made: the old ones no longer work. Subscribe "
             "again with the links below in each calendar app you use.")


def subscribe_link(url: str) -> str:
    """The ``webcal:`` form of a feed URL, which calendar apps open to subscribe."""
    return "webcal:" + url.split(":", 1)[1]


@view_config(context=CalendarsPage, request_method="GET", permission=Permission.VIEW)
def calendars(request):
    user = request.identity.user
    groups = request.dbsession.execute(
        select(Group.id, Group.name)
        .where(Group.id.in_(active_group_ids(user.id)))
        .order_by(by_code_point(Group.name), Group.id)
    ).all()
    feeds = [("Your tickets", "The tickets you own or are assigned.",
              user_feed_url(request, user))]
    feeds += [(name, "The group's events, with your seats.",
               group_feed_url(request, user, group_id)) for group_id, name in groups]
    return page(request, "calendars.jinja2", user=user, messages=request.session.pop_flash(),
                feeds=[{"title": title, "about": about, "url": url,
                        "subscribe": subscribe_link(url)} for title, about, url in feeds])


@view_config(context=CalendarsPage, name="new-links", request_method="GET",
             permission=Permission.EDIT)
def confirm_new_links(request):
    """The question before new links, a page of its own: opened by a link,
    so Back once they are made opens it again, where a page a POST answered
    was the browser's "Confirm Form Resubmission"."""
    return page(request, "calendars_confirm.jinja2")


@view_config(context=CalendarsPage, request_method="POST", require_csrf=True,
             permission=Permission.EDIT)
def new_calendar_links(request):
    """New secret, so every earlier feed URL answers 404 from now on (as
    ``PUT /api/v1/users/me {"reset_calendar_url": true}`` does), once the
    user has confirmed it: it breaks every subscription at once. Posted
    without ``confirm`` (from a tab opened before the question had a page
    of its own), a 303 to the question's page: drawn as this POST's
    answer, Back from it would be "Confirm Form Resubmission"."""
    if request.POST.get("confirm") != "yes":
        return HTTPSeeOther(location=request.resource_url(request.context, "new-links"))
    reset_feed_secret(request.identity.user)
    request.session.flash(NEW_LINKS)
    return HTTPFound(location=request.application_url + "/calendars")
