"""The sign-in, sign-up and consent pages in a real headless Chromium.

Debian's ``chromium`` package, driven by Playwright's Python package
(Playwright's own browser download does not work here). Screenshots of each
page land in ``test-artifacts/``.
"""
import os
from urllib.parse import parse_qs, urlsplit

import pytest
import requests

from seatshare.oauth.applications import register_application
from tests import factories

from .conftest import HEX64, PASSWORD, screenshot_path

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--no-first-run",
]

pytestmark = [
    pytest.mark.live,
    pytest.mark.skipif(
        not os.path.exists(CHROMIUM),
        reason=f"no Chromium at {CHROMIUM}: install Debian's chromium package",
    ),
]


@pytest.fixture(scope="module")
def browser():
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


def test_sign_in_sign_up_and_consent_in_a_browser(live_server, live_user, live_client,
                                                  browser, backend):
    base = live_server.url
    page = browser.new_page(viewport={"width": 1100, "height": 760})
    authorization_url = (
        f"{base}/oauth/authorization?client_id={live_client.client_id}"
        f"&redirect_uri={live_client.redirect_uri}&response_type=code&state=from-browser"
    )
    page.goto(authorization_url)
    assert page.title() == "Sign in to continue to Courtside Companion · SeatShare"
    page.screenshot(path=screenshot_path(f"signin-{backend}.png"), full_page=True)

    page.click("text=Create an account")
    page.wait_for_url("**/signup?next=*")
    assert page.title() == "Create your account to continue to Courtside Companion · SeatShare"
    page.screenshot(path=screenshot_path(f"signup-{backend}.png"), full_page=True)
    page.click("text=Sign in")
    page.wait_for_url("**/signin?next=**")

    page.fill("#email", live_user.email)
    page.fill("#password", "not the password")
    page.click("button[type=submit]")
    assert "do not match" in page.inner_text(".error")
    page.screenshot(path=screenshot_path(f"signin-error-{backend}.png"), full_page=True)

    page.fill("#email", live_user.email)
    page.fill("#password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url("**/oauth/authorization?**")
    assert "Courtside Companion" in page.inner_text("h1")
    assert "Read" in page.inner_text("ul.scopes") and "Write" in page.inner_text("ul.scopes")
    page.screenshot(path=screenshot_path(f"consent-{backend}.png"), full_page=True)

    page.click("button[value=approve]")
    page.wait_for_url(live_client.redirect_uri + "?*")
    query = parse_qs(urlsplit(page.url).query)
    assert query["state"] == ["from-browser"] and HEX64.match(query["code"][0])

    token = requests.post(
        base + "/oauth/token",
        data={"grant_type": "authorization_code", "code": query["code"][0],
              "redirect_uri": live_client.redirect_uri},
        auth=(live_client.client_id, live_client.client_secret),
        timeout=10,
    )
    assert token.status_code == 200 and token.json()["token_type"] == "bearer"
    page.close()


def test_pages_refuse_to_be_framed(live_server, browser):
    """Another site framing the sign-in or consent pages gets nothing to click."""
    page = browser.new_page()  # about:blank: "another site" with no CSP of ours
    # Control: a JSON API response (no page headers) does load in a frame, so
    # the harness can see framed content when framing is allowed.
    page.set_content(f'<iframe id="api" src="{live_server.url}/api/v1/users/me"></iframe>'
                     f'<iframe id="page" src="{live_server.url}/signin"></iframe>')
    assert "Unauthorized" in page.frame_locator("#api").locator("body").inner_text()
    assert page.frame_locator("#page").locator("#email").count() == 0
    page.close()


def test_sign_up_in_a_browser_then_approve(live_server, live_client, browser, backend):
    base = live_server.url
    page = browser.new_page(viewport={"width": 1100, "height": 760})
    page.goto(
        f"{base}/oauth/authorization?client_id={live_client.client_id}"
        f"&redirect_uri={live_client.redirect_uri}&response_type=code&scope=read"
    )
    page.click("text=Create an account")
    page.fill("#first_name", "Robin")
    page.fill("#last_name", "Reyes")
    page.fill("#email", "not an email")
    page.fill("#password", "short")
    page.click("button[type=submit]")
    assert page.locator(".field-error").count() == 2
    page.screenshot(path=screenshot_path(f"signup-errors-{backend}.png"), full_page=True)

    email = f"robin-{backend}@example.com"
    page.fill("#email", email)
    page.fill("#password", "a sufficiently long password")
    page.click("button[type=submit]")
    page.wait_for_url("**/oauth/authorization?**")
    assert email in page.inner_text(".who")
    assert "Write" not in page.inner_text("ul.scopes")
    page.click("button[value=approve]")
    page.wait_for_url(live_client.redirect_uri + "?*")
    assert HEX64.match(parse_qs(urlsplit(page.url).query)["code"][0])
    page.close()


PHONE = {"width": 390, "height": 844}


def page_width(page):
    """How wide the page is laid out: wider than the window means the phone
    user scrolls sideways to read it (and to reach its buttons)."""
    return page.evaluate("document.documentElement.scrollWidth")


def sign_in_to_consent(page, base, client_id, redirect_uri, user):
    """From an authorization request through the sign-in form, to the
    consent page."""
    page.goto(f"{base}/oauth/authorization?client_id={client_id}"
              f"&redirect_uri={redirect_uri}&response_type=code")
    page.fill("#email", user.email)
    page.fill("#password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url("**/oauth/authorization?**")


def test_a_long_application_name_fits_a_phone(live_server, live_user, browser):
    """An application's name is whatever its developer registered: a name
    with no space to break at still wraps inside the consent and
    connected-apps pages, and their buttons stay on the screen."""
    base = live_server.url
    redirect_uri = base + "/callback"
    name = "Supercalifragilisticexpialidocious" * 3
    with live_server.session() as session:
        app, _ = register_application(session, name, [redirect_uri])
        session.commit()
    page = browser.new_page(viewport=PHONE)
    sign_in_to_consent(page, base, app.client_id, redirect_uri, live_user)
    assert name in page.inner_text("h1")
    page.screenshot(path=screenshot_path("consent-long-name-phone.png"), full_page=True)
    assert page_width(page) <= PHONE["width"]

    page.click("button[value=approve]")
    page.wait_for_url(redirect_uri + "?*")
    page.goto(base + "/apps")
    page.screenshot(path=screenshot_path("apps-long-name-phone.png"), full_page=True)
    assert page_width(page) <= PHONE["width"]
    assert page.locator("button", has_text="Disconnect").bounding_box()["x"] < PHONE["width"]
    page.close()


NARROWEST = {"width": 320, "height": 700}  # WCAG 1.4.10: 1280 px zoomed to 400%


def test_connected_apps_reflow_at_320_px(live_server, live_user, live_client, browser):
    """Zoomed in, or on a small phone, an app's name and what it may do
    keep most of the row (Disconnect moves under them); they were squeezed
    beside Disconnect into a column a syllable wide."""
    base = live_server.url
    page = browser.new_page(viewport=NARROWEST)
    sign_in_to_consent(page, base, live_client.client_id, live_client.redirect_uri, live_user)
    page.click("button[value=approve]")
    page.wait_for_url(live_client.redirect_uri + "?*")
    page.goto(base + "/apps")
    page.screenshot(path=screenshot_path("apps-320.png"), full_page=True)
    row = page.locator("ul.apps li").first.bounding_box()
    about = page.locator("ul.apps .about").first.bounding_box()
    assert about["width"] >= 0.6 * row["width"]
    assert page_width(page) <= NARROWEST["width"]
    button = page.locator("button", has_text="Disconnect").bounding_box()
    assert button["x"] + button["width"] <= NARROWEST["width"]
    page.close()


def text_lines(page, selector):
    """How many lines the text of ``selector`` takes."""
    return page.locator(selector).evaluate(
        "e => { const r = document.createRange(); r.selectNodeContents(e);"
        " return new Set([...r.getClientRects()].map(q => Math.round(q.top))).size; }")


def test_consent_buttons_keep_their_words_whole_on_a_phone_with_large_text(
        live_server, live_user, live_client, browser):
    """A 320 px screen with the browser's text at "large" (20 px): Deny and
    Approve shrink no further than their word; "Appro / ve" was split."""
    page = browser.new_page(viewport=NARROWEST)
    cdp = page.context.new_cdp_session(page)
    cdp.send("Page.enable")
    cdp.send("Page.setFontSizes", {"fontSizes": {"standard": 20}})
    sign_in_to_consent(page, live_server.url, live_client.client_id, live_client.redirect_uri,
                       live_user)
    assert page.evaluate("getComputedStyle(document.body).fontSize") == "20px"
    assert text_lines(page, "button[value=deny]") == 1
    assert text_lines(page, "button[value=approve]") == 1
    assert page_width(page) <= NARROWEST["width"]
    # Not full_page: that resets the font sizes set above.
    page.screenshot(path=screenshot_path("consent-320-large-text.png"))
    page.close()


def test_sign_up_names_are_full_width_on_a_phone(live_server, browser):
    """Two name fields side by side on a 320 px screen were 106 px each:
    a name longer than nine letters scrolled out of sight as it was typed.
    There they stack, as wide as the email; on a wide screen they pair."""
    page = browser.new_page(viewport=NARROWEST)
    page.goto(live_server.url + "/signup")
    first, last, email = (page.locator(f"#{name}").bounding_box()
                          for name in ("first_name", "last_name", "email"))
    assert first["width"] == last["width"] == email["width"]
    assert first["y"] < last["y"]
    page.set_viewport_size({"width": 1100, "height": 760})
    first, last = (page.locator(f"#{name}").bounding_box() for name in ("first_name", "last_name"))
    assert first["y"] == last["y"] and first["x"] < last["x"]
    page.close()


def test_the_signed_in_email_stays_whole_on_a_phone(live_server, live_client, browser):
    """On the consent page "Not you?" moves under "Signed in as EMAIL" at
    320 px; beside it, the email was cut mid-word ("alex@example / .com")."""
    user = live_server.build(lambda: factories.make_user(email="sam.lee@example.com"))
    page = browser.new_page(viewport=NARROWEST)
    sign_in_to_consent(page, live_server.url, live_client.client_id, live_client.redirect_uri,
                       user)
    assert page.inner_text(".who strong") == user.email
    assert text_lines(page, ".who strong") == 1
    assert page_width(page) <= NARROWEST["width"]
    page.close()


def test_the_tagline_stays_whole_on_a_phone(live_server, browser):
    """Beside the name where both fit; at 320 px, whole on the line under
    it, where it was cut after "season" ("tickets" alone under the name)."""
    def boxes():
        name = page.locator("header").evaluate(
            "e => { const r = document.createRange(); r.selectNodeContents(e.firstChild);"
            " const b = r.getBoundingClientRect(); return {x: b.left, bottom: b.bottom}; }")
        return name, page.locator("header span").bounding_box()

    page = browser.new_page(viewport={"width": 390, "height": 700})
    page.goto(live_server.url + "/signin")
    name, tagline = boxes()
    assert tagline["y"] < name["bottom"] and tagline["x"] > name["x"]
    page.set_viewport_size(NARROWEST)
    name, tagline = boxes()
    assert text_lines(page, "header span") == 1
    assert tagline["y"] >= name["bottom"] and tagline["x"] == name["x"]
    page.close()
