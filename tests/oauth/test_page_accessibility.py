"""The HTML pages for people using a screen reader, a keyboard or a phone:
the markup a browser exposes to them, as WCAG 2.2 AA asks."""
import re

import colander
import pytest

from seatshare.web.forms import PasswordForm, ResetRequestForm, SignInForm, SignUpForm
from seatshare.web.password_reset import reset_key
from tests import factories

from .test_password_change import change
from .test_password_reset import ask
from .test_signin import submit_sign_in


def title(page):
    return page.html.title.text


def sign_up(testapp, status=400, **values):
    form = testapp.get("/signup").forms["signup"]
    for name, value in values.items():
        form[name] = value
    return form.submit(status=status)


def choose_on_link(testapp, user, new, again):
    form = testapp.get(f"/password-reset/{reset_key(testapp.app.registry.settings, user)}"
                       ).forms["password"]
    form["new_password"], form["new_password_again"] = new, again
    return form.submit(status=400)


@pytest.mark.parametrize("send, page_title", [
    (lambda app, user: submit_sign_in(app, user.email, "not the password", 400), "Sign in"),
    (lambda app, user: submit_sign_in(app, user.email, "", 400), "Sign in"),
    (lambda app, user: sign_up(app, first_name="Ann", email="not-an-email"),
     "Create your account"),
    (lambda app, user: ask(app, "not-an-email", 400), "Forgot your password?"),
    (lambda app, user: choose_on_link(app, user, "short", "short"), "Choose a new password"),
])
def test_a_form_sent_back_with_an_error_says_so_in_its_title(testapp, user, send, page_title):
    """WCAG 2.4.2 and 3.3.1: the title is the first thing a screen reader
    reads of the page that answers a form; it tells the form came back to be
    corrected (a page that looks like the one just sent otherwise)."""
    assert title(send(testapp, user)) == f"Error: {page_title} · SeatShare"


def test_the_change_password_form_sent_back_says_so_in_its_title(signed_in_flow, testapp):
    assert title(testapp.get("/password")) == "Change your password · SeatShare"
    page = change(testapp, current="not the password", status=400)
    assert title(page) == "Error: Change your password · SeatShare"


def test_signing_in_for_an_app_names_it_in_the_title(flow, testapp):
    """The cursor starts in the email field, below "Sign in to continue to
    APP": the title, read first, names the app too."""
    page = testapp.get(flow.consent_page().location)
    name = flow.application.name
    assert title(page) == f"Sign in to continue to {name} · SeatShare"
    page.forms["signin"]["email"] = flow.user.email
    assert title(page.forms["signin"].submit(status=400)) == (
        f"Error: Sign in to continue to {name} · SeatShare")


def test_signing_up_for_an_app_names_it_as_signing_in_does(flow, testapp):
    """From "Sign in to continue to APP", "Create an account": the app is
    still named, in the title and the line under the heading, and after an
    error too."""
    sign_in = testapp.get(flow.consent_page().location)
    page = sign_in.click("Create an account")
    name = flow.application.name
    assert title(page) == f"Create your account to continue to {name} · SeatShare"
    assert page.html.find(class_="lead").text == f"Create your account to continue to {name}."
    page.forms["signup"]["email"] = "not an email"
    assert title(page.forms["signup"].submit(status=400)) == (
        f"Error: Create your account to continue to {name} · SeatShare")


@pytest.mark.parametrize("path, page_title", [
    ("/signin", "Sign in"),
    ("/signup", "Create your account"),
    ("/password-reset", "Forgot your password?"),
])
def test_a_form_without_errors_has_its_plain_title(testapp, path, page_title):
    assert title(testapp.get(path)) == f"{page_title} · SeatShare"


def descriptions(page, field):
    """What a screen reader reads for ``field`` after its label, in order."""
    ids = page.html.find(id=field).get("aria-describedby", "").split()
    return [page.html.find(id=i).text for i in ids]


def marked(page):
    return [field["id"] for field in page.html.find_all("input", attrs={"aria-invalid": "true"})]


def autofocused(page):
    return [field["id"] for field in page.html.find_all(autofocus=True)]


@pytest.mark.parametrize("email, password, messages", [
    ("ann@example.com", "", {"password": "Enter your password."}),
    ("", "a password", {"email": "Enter your email address."}),
    ("   ", "a password", {"email": "Enter your email address."}),
    ("", "", {"email": "Enter your email address.", "password": "Enter your password."}),
])
def test_sign_in_ties_an_empty_fields_error_to_it(testapp, email, password, messages):
    """WCAG 3.3.1: each field is marked invalid and reads its error, and the
    cursor is in the first, the email kept even when it is only spaces."""
    page = submit_sign_in(testapp, email, password, status=400)
    assert marked(page) == list(messages)
    for field, message in messages.items():
        assert descriptions(page, field) == [message]
    assert autofocused(page) == list(messages)[:1]
    assert page.forms["signin"]["email"].value == email


def test_a_wrong_password_is_read_on_both_fields(testapp, user):
    """Sign-in never says which of the two is wrong: both read why."""
    page = submit_sign_in(testapp, user.email, "not the password", status=400)
    assert marked(page) == ["email", "password"]
    for field in ("email", "password"):
        assert descriptions(page, field) == ["That email and password do not match an account."]
    assert autofocused(page) == ["password"]


def throttled_sign_in(app, user, monkeypatch):
    monkeypatch.setitem(app.app.registry.settings, "seatshare.signin_max_failures", "1")
    submit_sign_in(app, user.email, "wrong", status=400)
    return submit_sign_in(app, user.email, "wrong", status=429)


def throttled_sign_up(app, user, monkeypatch):
    monkeypatch.setitem(app.app.registry.settings, "seatshare.signin_max_failures", "1")
    sign_up(app, first_name="Ann", last_name="Lee", email=user.email,
            password="a long enough password")  # taken: counted
    return sign_up(app, first_name="Ann", last_name="Lee", email="ann@example.com",
                   password="a long enough password", status=429)


def throttled_reset(app, user, monkeypatch):
    monkeypatch.setitem(app.app.registry.settings, "seatshare.signin_max_failures", "1")
    ask(app, user.email)
    return ask(app, user.email, 429)


def throttled_password_change(app, user, monkeypatch):
    submit_sign_in(app, user.email, factories.DEFAULT_PASSWORD, status=302)
    monkeypatch.setitem(app.app.registry.settings, "seatshare.signin_max_failures", "1")
    change(app, current="not the password", status=400)
    return change(app, status=429)


def expired(path, **typed):
    def send(app, user, monkeypatch):
        form = app.get(path).forms[path[1:]]
        for name, value in typed.items():
            form[name] = value
        form["csrf_token"] = "stale"
        return form.submit(status=400)
    send.__name__ = f"expired_{path[1:]}"
    return send


@pytest.mark.parametrize("send", [
    throttled_sign_in, throttled_sign_up, throttled_reset, throttled_password_change,
    expired("/signin", email="ann@example.com"),
    expired("/signup", first_name="Ann", last_name="Lee", email="ann@example.com"),
    expired("/password-reset", email="ann@example.com"),
])
def test_an_error_about_the_whole_form_is_read_where_the_cursor_lands(testapp, user,
                                                                      monkeypatch, send):
    """Too many attempts, or an expired form: no field is wrong, but the
    field the cursor is in reads the alert above the form (one present as
    the page loads is not announced), and none is marked invalid."""
    page = send(testapp, user, monkeypatch)
    [field] = autofocused(page)
    alert = page.html.find(role="alert").text
    assert descriptions(page, field) == [alert]
    assert marked(page) == []


def test_the_empty_sign_in_form_marks_nothing(testapp):
    page = testapp.get("/signin")
    assert marked(page) == [] and page.html.find(attrs={"aria-describedby": True}) is None
    assert autofocused(page) == ["email"]


# --- contrast of the controls (WCAG 1.4.11: at least 3:1) --------------------------

RULE = re.compile(r"([^{}]+)\{([^{}]*)\}")
COLOR = re.compile(r"#[0-9a-fA-F]{6}\b|rgba?\([^)]*\)|var\(--[a-z-]+\)")


MEDIA = re.compile(r"@media([^{]*)\{((?:[^{}]*\{[^{}]*\})*\s*)\}")


def page_css(page):
    return re.sub(r"/\*.*?\*/", "", "".join(s.text for s in page.html.find_all("style")),
                  flags=re.S)


def style_rules(page, media=None):
    """{selector: {property: value}} of the page's style elements outside
    any @media rule (or inside those for ``media``, as written), later
    rules over earlier ones, as the cascade has them at equal specificity."""
    css = page_css(page)
    if media is None:
        css = MEDIA.sub("", css)
    else:
        css = "".join(body for query, body in MEDIA.findall(css) if query.strip() == media)
    return parse_rules(css)


def parse_rules(css):
    rules = {}
    for selectors, body in RULE.findall(css):
        declarations = dict(d.split(":", 1) for d in body.split(";") if ":" in d)
        for selector in selectors.split(","):
            rules.setdefault(" ".join(selector.split()), {}).update(
                {k.strip(): v.strip() for k, v in declarations.items()})
    return rules


def color_in(rules, selector, prop):
    """The colour in ``prop`` of ``selector``'s rule, ``var(--…)`` resolved."""
    [color] = COLOR.findall(rules[selector][prop])
    if color.startswith("var("):
        return rules[":root"][color[4:-1]]
    return color


def contrast(color, background="#ffffff"):
    """WCAG 2's contrast ratio of two opaque ``#rrggbb`` colours."""
    def luminance(hex_color):
        channels = [int(hex_color[i:i + 2], 16) / 255 for i in (1, 3, 5)]
        r, g, b = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4
                   for c in channels]
        return 0.2126 * r + 0.7152 * g + 0.0722 * b
    light, dark = sorted([luminance(color), luminance(background)], reverse=True)
    return (light + 0.05) / (dark + 0.05)


@pytest.mark.parametrize("path", ["/signin", "/signup", "/password-reset"])
def test_a_text_field_and_its_focus_stand_out_from_the_white_card(testapp, path):
    """An empty field's edge is all that shows where to type; its focus ring
    is where the keyboard is. Both at least 3:1 against the card."""
    rules = style_rules(testapp.get(path))
    assert contrast(color_in(rules, "input[type=email]", "border")) >= 3
    assert contrast(color_in(rules, "input:focus", "outline")) >= 3


def test_the_deny_button_has_an_edge_like_approve(signed_in_flow, testapp):
    """Deny (a pale button) shows where it is as plainly as Approve."""
    page = signed_in_flow.consent_page()
    assert page.html.find("button", value="deny")["class"] == ["secondary"]
    rules = style_rules(page)
    assert contrast(color_in(rules, "button.secondary", "border-color")) >= 3
    assert contrast(color_in(rules, "button", "background")) >= 3


def test_the_reset_page_says_in_its_title_that_the_link_is_sent(testapp, user):
    """WCAG 2.4.2: the page after asking reads as what it is, not as the
    form again."""
    page = ask(testapp, user.email)
    assert title(page) == "Check your mail · SeatShare"
    assert page.html.h1.text == "Check your mail"
    assert page.html.find(role="status").text.startswith(f"If an account uses {user.email}")


def test_the_scopes_tick_is_not_read_aloud(signed_in_flow, testapp):
    """The tick before each scope is drawn by CSS, whose text a screen
    reader reads ("check mark, Read, See your profile..."): its alternative
    text is empty, so only the scope is read."""
    page = signed_in_flow.consent_page()
    content = style_rules(page)["ul.scopes li::before"]["content"]
    assert re.fullmatch(r'"\\2713"\s*/\s*""', content), content


def test_the_consent_buttons_are_real_and_deny_comes_first(signed_in_flow):
    """Keyboard and screen reader users reach Deny as easily as Approve: two
    submit buttons of one form, Deny first in the tab order."""
    form = signed_in_flow.consent_page().html.find("form", id="consent")
    buttons = [(b.name, b["type"], b["value"], b.text) for b in form.find_all(
        ["button", "input", "a"]) if b.get("type") != "hidden"]
    assert buttons == [("button", "submit", "deny", "Deny"),
                       ("button", "submit", "approve", "Approve")]
    assert not form.find(attrs={"tabindex": True}) and not form.find(disabled=True)


def test_the_consent_buttons_say_what_they_do(signed_in_flow):
    """Tabbing to Approve reads that the approval is remembered (the note is
    after the buttons), and "Not you?" reads that it signs out."""
    page = signed_in_flow.consent_page()
    approve = page.html.find("button", value="approve")
    note = page.html.find(id=approve["aria-describedby"]).text
    assert note.startswith("If you approve, SeatShare remembers it")
    not_you = page.html.find("form", id="signout").button
    assert not_you["aria-label"] == f"{not_you.text} Sign out"


def test_buttons_keep_an_edge_in_forced_colours(testapp):
    """Windows High Contrast drops backgrounds and shadows and draws
    borders in its own colour: a button with no border reads as plain text
    there (Deny and Approve as two words)."""
    border = style_rules(testapp.get("/signin"))["button"]["border"]
    assert border.split()[:2] == ["1px", "solid"]


SUMMARY = "Please correct the fields marked below, and type each password again."


def test_change_password_reads_the_summary_where_the_cursor_lands(signed_in_flow, testapp):
    """Every field comes back empty, so the cursor is in the first; the
    error can be in the last, and is read there too."""
    page = change(testapp, again="not the same one", status=400)
    assert autofocused(page) == ["current_password"]
    assert descriptions(page, "current_password") == [SUMMARY]
    assert descriptions(page, "new_password_again") == ["The two new passwords differ."]
    assert marked(page) == ["new_password_again"]

    page = change(testapp, current="not the password", status=400)
    assert descriptions(page, "current_password") == [SUMMARY,
                                                      "This is not your current password."]


def test_a_reset_link_form_reads_the_summary_where_the_cursor_lands(testapp, user):
    page = choose_on_link(testapp, user, "a new and long passphrase", "another one")
    assert autofocused(page) == ["new_password"]
    assert descriptions(page, "new_password") == [SUMMARY]
    assert testapp.get(f"/password-reset/{reset_key(testapp.app.registry.settings, user)}"
                       ).html.find(attrs={"aria-describedby": True}) is None


def test_sign_up_reads_the_summary_where_the_cursor_lands(testapp, user):
    """Sent back for a taken email, the form keeps the names and the email
    but not the password: "type your password again" is said only in the
    summary above the form, which a screen reader does not announce as the
    page loads, so the field the cursor lands in reads it, then its own
    error."""
    page = sign_up(testapp, first_name="Ann", last_name="Lee", email=user.email.upper(),
                   password="a long enough passphrase")
    assert autofocused(page) == ["email"]
    summary = "Please correct the fields marked below, and type your password again."
    assert descriptions(page, "email") == [summary, "This email cannot be used to sign up. "
                                           "If it is yours, sign in instead."]
    assert descriptions(page, "first_name") == []


def test_each_calendar_feed_is_a_section_under_its_heading(signed_in_flow, testapp):
    """WCAG 1.3.1: the bold name over each feed is a heading, so a screen
    reader can list the feeds and jump to one (they were bold text)."""
    factories.make_group(name="Beta Seats", creator=signed_in_flow.user)
    page = testapp.get("/calendars")
    assert [h.name for h in page.html.find_all(["h1", "h2", "h3"])] == ["h1", "h2", "h2"]
    assert [h.text for h in page.html.select("div.feed > h2")] == ["Your tickets", "Beta Seats"]


def font_sizes(page):
    return [value for declarations in style_rules(page).values()
            for prop, value in declarations.items() if prop in ("font", "font-size")]


@pytest.mark.parametrize("path, signed_in", [
    ("/signin", False), ("/signup", False), ("/password-reset", False), ("/nowhere", False),
    ("/signin", True), ("/password", True), ("/apps", True), ("/calendars", True),
])
def test_text_follows_the_browsers_font_size(request, testapp, path, signed_in):
    """Someone who sets a larger default font size in the browser gets
    larger text: sizes in rem, never fixed pixels (which ignore it)."""
    if signed_in:
        request.getfixturevalue("signed_in_flow")
    sizes = font_sizes(testapp.get(path, status=(200, 404)))
    assert sizes and [size for size in sizes if "px" in size] == []


# --- the lengths a field takes (WCAG 3.3.1: no error the browser could prevent) ---

def of_length(length, email=False):
    """A value ``length`` characters long, an email address if asked."""
    suffix = "@example.com" if email else ""
    return ("ab" * length)[:length - len(suffix)] + suffix


def refusal(schema, name, value):
    """What the form's schema says of ``value`` in field ``name``, or None."""
    try:
        schema[name].deserialize(value)
    except colander.Invalid as exc:
        return exc.asdict()[name]
    return None


@pytest.mark.parametrize("path, form_id, schema, signed_in", [
    ("/signin", "signin", SignInForm, False),
    ("/signup", "signup", SignUpForm, False),
    ("/password-reset", "password-reset", ResetRequestForm, False),
    ("/password", "password", PasswordForm, True),
])
def test_each_field_takes_what_the_form_accepts_and_no_more(request, testapp, path, form_id,
                                                             schema, signed_in):
    """A field stops the typing (and a paste) at the length the form
    accepts, so nobody types 300 characters to be told to use 254; a new
    password's field says its least length, so a password manager makes
    one the form takes. No other field has a least length: an old password
    shorter than today's rule still signs in, and the new one's second copy
    is refused only for differing."""
    if signed_in:
        request.getfixturevalue("signed_in_flow")
    form = testapp.get(path).html.find("form", id=form_id)
    fields = [i for i in form.find_all("input") if i.get("type") not in ("hidden",)
              and not i.has_attr("hidden")]
    assert {i["name"] for i in fields} == {node.name for node in schema()}
    for field in fields:
        email = field["type"] == "email"
        longest = int(field["maxlength"])
        assert not str(refusal(schema(), field["name"], of_length(longest, email))).startswith(
            "Use at most")
        assert refusal(schema(), field["name"], of_length(longest + 1, email)) == (
            f"Use at most {longest} characters.")
        if field["name"] in ("password", "new_password") and form_id != "signin":
            shortest = int(field["minlength"])
            assert refusal(schema(), field["name"], of_length(shortest - 1)) == (
                f"Use at least {shortest} characters.")
            assert refusal(schema(), field["name"], of_length(shortest)) != (
                f"Use at least {shortest} characters.")
        else:
            assert not field.has_attr("minlength")


def horizontal_px(padding):
    """The left (and right) of a CSS ``padding`` shorthand, in px."""
    values = padding.split()
    return int(values[1 if len(values) > 1 else 0].removesuffix("px") or 0)


@pytest.mark.parametrize("path", ["/signin", "/signup", "/password-reset", "/nowhere"])
def test_on_a_phone_the_form_gets_the_width(testapp, path):
    """On a 390 px phone the page's margin and the card's padding took 48
    px a side, a quarter of the screen (at 320 px, lines of three words).
    On a narrow screen they take at most 32."""
    narrow = style_rules(testapp.get(path, status=(200, 404)), "(max-width: 30rem)")
    assert horizontal_px(narrow["main"]["padding"]) + horizontal_px(
        narrow[".card"]["padding"]) <= 32


@pytest.mark.parametrize("path, signed_in", [
    ("/signin", False), ("/signup", False), ("/password-reset", False),
    ("/password", True), ("/calendars", True),
])
def test_no_field_is_set_smaller_than_the_text(request, testapp, path, signed_in):
    """Safari on an iPhone zooms the page in when a field smaller than
    16 px is tapped (the calendar feed links, tapped to copy one, were 13
    px) and leaves the user to zoom out again: fields keep the body's 1rem."""
    if signed_in:
        request.getfixturevalue("signed_in_flow")
    rules = style_rules(testapp.get(path))
    sizes = {selector: declarations["font-size"] for selector, declarations in rules.items()
             if re.search(r"\b(input|textarea|select)\b", selector)
             and "font-size" in declarations}
    assert sizes and all(size == "1rem" for size in sizes.values()), sizes


@pytest.mark.parametrize("path", ["/apps", "/calendars", "/password"])
def test_the_way_back_from_an_account_page_says_where_it_goes(signed_in_flow, testapp, path):
    """"Back" led to the account page, not back: from the consent page's
    "Connected apps" link, say, it did not return to the consent page."""
    page = testapp.get(path)
    [link] = page.html.find_all("a", href="/signin")
    assert link.text == "Back to your account"
    assert page.click("Back to your account").html.h1.text == "You are signed in"
