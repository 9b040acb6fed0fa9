"""Script typed into every form is shown as text and never runs, on the form and wherever it is shown later.

Each target is a page and the forms on it that take text. The test types the payload into every
text field of those forms (and valid values into the other fields, so the record is saved where
it can be), submits the form as a user does, and then checks the page it lands on (a saved
record, or the form again with its errors) and the pages that show the saved values: no script
ran, no dialog opened, no element was made from the payload, and the payload is there as text.

Records are the test's own (new referrals, a juror, a night, reference entries, a user, a program),
so the demo data other browser tests rely on stays as it was; only notes and contacts, which add to
a record without changing it, go onto a demo case. The first referral's youth gets a plain name,
because other tests take names from the newest records; the payload goes into every other field
there, and into the names of the second referral's youth.

Forms that only a record in a given state reaches are driven step by step: a case of the test's own
goes from referral through intake, hearing, investigation, disposition, sanction progress, closure,
follow-up and sealing to expungement (so it leaves every list other tests read), with a juror of its
own excused on its hearing night; a factor of its own is renamed; a user the admin adds sets up the
authenticator app. The sanction grid and the program policy are demo data other tests read: the
payload is sent there only in a form the server refuses whole, never corrected and saved.
``test_every_form_is_covered`` fails when a template gains a ``<form>`` that no target or step
covers and no stated reason excludes.
"""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

import pytest
from playwright.sync_api import Locator, Page, expect

from e2e.conftest import DEMO_PASSWORD, choose_case, enroll, plan_night, sign_in
from e2e.test_case_lifecycle import take_referral

TEMPLATES = Path(__file__).resolve().parent.parent / "templates"
MARK = "<script>window.__xss=1</script>"
PAYLOAD = MARK + '<img src=x onerror="window.__xss=1">"\'><svg onload=window.__xss=1>'
BUTTONS = "button[type=submit], button:not([type]), input[type=submit]"
SHORT = MARK
"""For fields that take at most 40 characters (a digit is added to tell fields apart)."""
TEXT_FIELDS = "input:not([type]), input[type=text], input[type=search], input[type=password], textarea"
INJECTED = """() => {
    const made = document.querySelectorAll('img[src="x"], svg[onload], [onerror]').length;
    const scripts = [...document.scripts].filter((s) => s.textContent.includes('__xss')).length;
    return made + scripts;
}"""
SHOWN = """(mark) => document.body.innerText.includes(mark)
    || [...document.querySelectorAll('input, textarea')].some(
        (e) => e.value.includes(mark) || (e.getAttribute('value') || '').includes(mark))"""
"""The payload as text on the page, or as the value of a field (a date field keeps it only in its attribute)."""


@dataclass(frozen=True)
class Target:
    """A page whose forms are attacked, and the pages that show what those forms saved."""

    name: str
    templates: tuple[str, ...]
    path: str
    forms: tuple[str, ...] = ()
    """Actions (regular expressions) of the forms to attack; all forms with text fields in ``main`` when empty."""
    views: tuple[str, ...] = ()
    quiet_views: tuple[str, ...] = ()
    """Pages that must stay inert but need not show the values (summaries such as the dashboard)."""
    fills: tuple[tuple[str, str], ...] = ()
    """CSS selector and value for fields that need a valid value for the record to be saved."""
    checks: tuple[str, ...] = ()
    """Boxes to tick when they appear (confirming a new youth whose name matches one on file)."""
    shown: bool = True
    """Whether the payload is shown back (not for passwords and codes, which are never echoed)."""
    follow: str = ""
    """A link on ``path`` leading to the page to attack (a demo record, for forms that only add to it)."""


OWN = "{own}"
"""Placeholder in a path for the address of the record the previous target created."""

COORDINATOR_TARGETS = (
    Target(
        "referral intake",
        ("referrals/new.html",),
        "/referrals/new",
        fills=(
            ("#field-first_name", "Hostile"),
            ("#field-last_name", "Input"),
            ("#field-date_of_birth", "2011-03-09"),
            ("#field-grade", "8"),
            ("#field-guardian1_phone", "555-0101"),
            ("#field-assigned_on", datetime.date.today().isoformat()),  # on or after the day received
        ),
        quiet_views=("/referrals", "/dashboard"),
    ),
    Target("document title (refused: no file)", ("referrals/detail.html",), OWN, forms=("/documents$",)),
    Target(
        "case contacts and notes",
        ("cases/detail.html",),
        "/cases",
        follow="tbody tr:last-child a[href^='/cases/']",
    ),
    Target(
        "second referral",
        ("referrals/new.html",),
        "/referrals/new",
        fills=(
            ("#field-date_of_birth", "2010-01-02"),
            ("#field-grade", "9"),
            ("#field-guardian1_phone", "555-0102"),
            ("#field-assigned_on", datetime.date.today().isoformat()),
        ),
        checks=("#field-confirm_new_youth",),
        views=("/referrals",),
    ),
    Target("returning a referral", ("referrals/detail.html",), OWN, forms=("/return$",)),
    Target("case search", ("cases/list.html",), "/cases"),
    Target(
        "juror record",
        ("jurors/records/new.html",),
        "/jurors/new",
        fills=(("#field-date_of_birth", "2009-04-02"), ("#field-grade", "10")),
        views=("/jurors",),
    ),
    Target("juror details", ("jurors/records/detail.html", "jurors/records/_youth_matches.html"), OWN),
    Target("juror edit", ("jurors/records/edit.html",), OWN + "/edit", fills=(("#field-grade", "11"),)),
    Target("juror credits", ("jurors/ledger/credits.html",), OWN + "/credits"),
    Target("juror search", ("jurors/records/list.html",), "/jurors", views=("/jurors",)),
    Target("training session", ("jurors/training/list.html",), "/jurors/training"),
    Target("reward", ("jurors/ledger/reward_form.html",), "/jurors/rewards/new", views=("/jurors/rewards",)),
    Target("hearing night", ("hearings/night_form.html",), "/hearings/new", quiet_views=("/hearings",)),
    Target("hearing night edit", ("hearings/night_form.html",), OWN + "/edit"),
    Target("hearing night case search", ("hearings/night.html",), OWN, forms=("/schedule#schedule$",)),
    Target("partner site", ("sites/form.html",), "/sites/new"),
)
ADMIN_TARGETS = (
    Target(
        "referring agency",
        ("reference/source_form.html",),
        "/reference/sources/new",
        fills=(("input[type=email]", "agency@example.org"),),
        views=("/reference/sources",),
    ),
    Target(
        "offense", ("reference/offense_form.html",), "/reference/offenses/new", views=("/reference/offenses",)
    ),
    Target(
        "screening factor", ("reference/factors.html",), "/reference/factors", forms=("^/reference/factors$",)
    ),
    Target(
        "user",
        ("accounts/user_new.html",),
        "/admin/users/new",
        fills=(("input[type=email]", "hostile.user@example.org"),),
        views=("/admin/users",),
    ),
    Target("user search", ("accounts/users.html",), "/admin/users"),
    Target("program", ("programs/list.html",), "/admin/programs", fills=(("#field-slug", "hostile-court"),)),
    Target(
        "program settings",
        ("programs/edit.html",),
        "/admin/programs",
        follow="tr:has-text('hostile-court') a[href^='/admin/programs/']",
        views=("/admin/programs",),
    ),
    Target("audit filters", ("audit/list.html",), "/audit"),
    Target("partner API key", ("partners/keys.html",), "/reference/api-keys", views=("/reference/api-keys",)),
    Target("password change", ("accounts/password.html",), "/account/password", shown=False),
    Target("multi-factor settings", ("accounts/mfa.html",), "/account/mfa", shown=False),
)

WITHOUT_TEXT_FIELDS = {
    "audit/_rows.html": "the CSV export button, carrying the filters in hidden fields",
    "_pagination.html": "page buttons of a searched list, carrying the search in hidden fields",
    "referrals/list.html": "status and agency filters: selects",
    "sanctions/list.html": "sanction type filter: a select",
    "base.html": "sign out, sign out everywhere and the program switch: buttons and a select",
    "accounts/user_detail.html": "role select, unlock and activate buttons",
    "accounts/user_created.html": "a 'give a temporary password' button",
    "hearings/notice.html": "a 'notice sent' button",
    "jurors/me.html": "a 'new calendar address' button",
    "jurors/nights/_candidates.html": "invitation checkboxes",
    "jurors/nights/_panel_form.html": "a panel select",
    "jurors/nights/_replies.html": "reply buttons",
    "jurors/nights/night.html": "move-up button and checkboxes",
    "jurors/outbox/list.html": "send and reminder buttons",
    "jurors/outbox/message.html": "retry and 'sent by hand' buttons",
    "jurors/portal/_booking.html": "the juror's reply buttons",
    "jurors/training/session.html": "attendance checkboxes",
    "reference/_factor_row.html": "activate/deactivate button",
    "reports/_recidivism_report.html": "months, selects and checkboxes",
    "reports/effects.html": "months, selects and checkboxes",
    "reports/comparison.html": "a file field (its file name is checked in tests/referrals/test_uploads.py)",
    "reports/measures.html": "months",
    "accounts/language.html": "a language select",
    "coproduction/choose.html": "a period select",
    "coproduction/index.html": "a period select and a button",
    "imports/index.html": "a file field and a kind select (the file's cells are checked in tests/imports)",
    "imports/mapping.html": "a select per column",
    "imports/preview.html": "import and discard buttons",
    "respondents/_links.html": "who the link is for (a select) and revoke buttons",
    "sites/detail.html": "an activate/deactivate button",
    "sites/list.html": "kind and status filters: selects",
    "surveys/report.html": "survey and period selects",
}
NOT_COVERED: dict[str, str] = {
    "coproduction/form.html": "each save takes a period of the demo program other browser tests assess; its "
    "comments are attacked in tests/app/test_fuzzing.py and shown as text in tests/coproduction",
    "sites/placement.html": "a placement needs a sanction of the test's own; the link's label is attacked in "
    "tests/app/test_fuzzing.py",
    "sites/supervisor.html": "a page opened by a private link; hostile input on it: tests/sites",
    "surveys/_offers.html": "the offer forms need a case or night of the test's own; attacked in "
    "tests/app/test_fuzzing.py",
    "surveys/case.html": "as surveys/_offers.html",
    "surveys/night.html": "as surveys/_offers.html",
    "surveys/answer.html": "a page opened by a private link, answered once; attacked in tests/app/test_fuzzing.py",
    "surveys/questions_form.html": "the demo's questions other browser tests answer; attacked in "
    "tests/app/test_fuzzing.py",
}
"""Forms with text fields that nothing here reaches yet, each with the reason and where hostile input
on them is tested instead."""
CASE_FLOW = "test_a_case_of_its_own_shows_script_as_text"
STEP_TEMPLATES = {
    "cases/intake.html": CASE_FLOW,
    "hearings/slot.html": CASE_FLOW,
    "hearings/investigation.html": CASE_FLOW,
    "sanctions/disposition.html": CASE_FLOW,
    "sanctions/detail.html": CASE_FLOW,
    "closure/close.html": CASE_FLOW,
    "outcomes/check.html": CASE_FLOW + " (no text field: a hostile address and a tampered date field)",
    "outcomes/_event_form.html": CASE_FLOW + " (no text field: a tampered date field)",
    "sealing/seal.html": CASE_FLOW,
    "sealing/sealed.html": CASE_FLOW + " (open with a reason; unseal refused as too long)",
    "sealing/expunge.html": CASE_FLOW,
    "jurors/nights/_checkin_row.html": CASE_FLOW + " (a juror of its own, excused on the case's night)",
    "reference/_factor_rename.html": "_rename_own_factor",
    "reference/factor_form.html": "_rename_own_factor",
    "accounts/mfa_setup.html": "_forced_enrollment",
    "reference/grid.html": "_refused_without_saving (demo data other tests read: refused, never saved)",
    "reference/policy.html": "_refused_without_saving (demo data other tests read: refused, never saved)",
}
"""Forms reached by a step of their own rather than a target: the template and the step that covers it."""
SIGN_IN_TEMPLATES = ("accounts/login.html", "accounts/code.html")
"""Covered by ``test_the_sign_in_forms_show_script_as_text``."""


def _templates_with_forms() -> set[str]:
    return {
        str(path.relative_to(TEMPLATES))
        for path in TEMPLATES.rglob("*.html")
        if "<form" in path.read_text(encoding="utf-8")
    }


def test_every_form_is_covered():
    covered = {
        t for target in (*COORDINATOR_TARGETS, *ADMIN_TARGETS, *EVALUATOR_TARGETS) for t in target.templates
    }
    covered |= set(SIGN_IN_TEMPLATES) | set(STEP_TEMPLATES)
    excused = {name for name, reason in {**WITHOUT_TEXT_FIELDS, **NOT_COVERED}.items() if reason}
    missing = _templates_with_forms() - covered - excused
    assert not missing, f"forms no hostile-input target covers: {sorted(missing)}"


TEXT_MARKERS = re.compile(r'<textarea|textarea\(|type="(text|search|password)"|field\((?![^}]*type=")')
"""A text field in a template: a textarea, a text input, or the ``field`` macro with its default type
(no ``type=`` before the end of its ``{{ }}``: its label is a ``_()`` call, whose ``)`` comes first)."""


def test_forms_excused_for_having_no_text_fields_have_none():
    with_text = {name for name in WITHOUT_TEXT_FIELDS if TEXT_MARKERS.search((TEMPLATES / name).read_text())}
    assert not with_text, f"these have text fields after all: {sorted(with_text)}"


# Driving the browser ---------------------------------------------------------------------------------


def _watch(page: Page) -> list[str]:
    dialogs: list[str] = []

    def record(dialog) -> None:
        dialogs.append(dialog.message)
        dialog.dismiss()

    page.on("dialog", record)
    return dialogs


def assert_inert(page: Page, dialogs: list[str], where: str, *, shown: bool = True) -> None:
    assert page.evaluate("window.__xss") is None, f"script ran on {where} ({page.url})"
    assert dialogs == [], f"a dialog opened on {where}: {dialogs}"
    assert page.evaluate(INJECTED) == 0, f"the payload made elements on {where} ({page.url})"
    if shown:
        problems = page.locator(".error-summary, .field-error").all_inner_texts()
        assert page.evaluate(SHOWN, MARK), (
            f"the payload is not shown as text on {where} ({page.url}) {problems}"
        )


def _fill_valid(page: Page, form, target: Target) -> None:
    """Valid values in the fields that are not text, so the record can be saved."""
    soon = (datetime.date.today() + datetime.timedelta(days=21)).isoformat()
    past = (datetime.date.today() - datetime.timedelta(days=10)).isoformat()
    for field in form.locator("input[type=date]").all():
        if field.is_visible() and not field.input_value():
            field.fill(soon if "/hearings" in target.path else past)
    for hour, field in enumerate(form.locator("input[type=time]").all()):
        if field.is_visible() and not field.input_value():
            field.fill(f"{18 + 2 * hour}:00")
    for field in form.locator("input[type=number]").all():
        if field.is_visible() and not field.input_value():
            field.fill("2")
    for field in form.locator("input[type=tel]").all():
        if field.is_visible():
            field.fill("555-0142")
    for field in form.locator("input[type=email]").all():
        if field.is_visible():
            field.fill("hostile@example.org")
    for select in form.locator("select").all():
        if select.is_visible() and not select.input_value():
            values = [v for v in select.locator("option").evaluate_all("os => os.map(o => o.value)") if v]
            if values:
                select.select_option(values[0])
    page.wait_for_load_state("networkidle")
    for selector in target.checks:
        box = form.locator(selector)
        if box.count() and box.first.is_visible():
            box.first.check()
    for selector, value in target.fills:
        field = form.locator(selector)
        if field.count():
            field.first.fill(value)


def submit(page: Page, form, last_field) -> None:
    """Send the form as a user does: its button, or Enter in a search box; htmx forms swap in place."""
    button = form.locator(BUTTONS)
    press = button.first.click if button.count() else lambda: last_field.press("Enter")
    if form.get_attribute("hx-get") or form.get_attribute("hx-post"):
        method = (form.get_attribute("method") or "get").lower()  # the form may be gone after the swap
        press()
        page.wait_for_load_state("networkidle")
        page.wait_for_timeout(300)
        if method == "get":
            page.reload()
        return
    with page.expect_navigation():
        press()


def _correct_refused_fields(page: Page, form_action: str, target: Target) -> bool:
    """After a 422, correct what was refused as a user would (a number where a number is asked, the short
    payload where the full one is too long, the target's fixed values) and send again."""
    form = page.locator(f'main form[action="{form_action}"]')
    if form.count() != 1 or not page.locator(".field-error").count():
        return False
    refused = [f for f in form.first.locator(TEXT_FIELDS).all() if f.get_attribute("aria-invalid") == "true"]
    for number, field in enumerate(refused):
        if field.get_attribute("inputmode") in ("decimal", "numeric"):
            field.fill("2")
        else:
            field.fill(f"{SHORT}{number}")
    for selector, value in target.fills:
        if form.first.locator(selector).count():
            form.first.locator(selector).first.fill(value)
    for selector in target.checks:
        box = form.first.locator(selector)
        if box.count() and box.first.is_visible():
            box.first.check()
    submit(page, form.first, (refused or form.first.locator(TEXT_FIELDS).all())[-1])
    return True


def attack(page: Page, dialogs: list[str], target: Target, path: str) -> str:
    """Type the payload into the target's forms, one at a time; returns where the first one led."""
    page.goto(path)
    if target.follow:
        path = page.locator(target.follow).first.get_attribute("href")
        page.goto(path)
    forms = page.locator("main form")
    actions = [forms.nth(i).get_attribute("action") or path for i in range(forms.count())]
    chosen = [
        i for i, a in enumerate(actions) if not target.forms or any(re.search(f, a) for f in target.forms)
    ]
    landed = ""
    attacked = 0
    for index in chosen:
        page.goto(path)
        form = page.locator("main form").nth(index)
        fields = [f for f in form.locator(TEXT_FIELDS).all() if f.is_visible() and f.is_editable()]
        if not fields:
            continue
        for field in fields:
            field.fill(PAYLOAD)
        _fill_valid(page, form, target)
        submit(page, form, fields[-1])
        attacked += 1
        assert_inert(page, dialogs, f"{target.name}: after {actions[index]}", shown=target.shown)
        if _correct_refused_fields(page, actions[index], target):
            assert_inert(page, dialogs, f"{target.name}: after {actions[index]}, shorter", shown=target.shown)
        landed = landed or page.url
    assert attacked, f"{target.name}: no form with text fields on {path}"
    return landed


def run_targets(page: Page, targets: tuple[Target, ...]) -> list[str]:
    """Attack each target in turn; returns the dialogs seen, for the steps that follow."""
    dialogs = _watch(page)
    own = ""
    for target in targets:
        path = target.path.replace(OWN, own) if OWN in target.path else target.path
        landed = attack(page, dialogs, target, path)
        if OWN not in target.path and re.search(r"/[0-9a-f-]{36}$", landed):
            own = re.sub(r"^https?://[^/]+", "", landed)
        for view in target.views:
            page.goto(view)
            assert_inert(page, dialogs, f"{target.name}: {view}")
        for view in target.quiet_views:
            page.goto(view)
            assert_inert(page, dialogs, f"{target.name}: {view}", shown=False)
    return dialogs


@pytest.fixture
def signed_in(page: Page):
    def as_user(email: str) -> Page:
        page.goto("/login")
        sign_in(page, email)
        page.wait_for_url(re.compile(r"^(?!.*/login).*$"))
        return page

    return as_user


def test_the_sign_in_forms_show_script_as_text(page: Page):
    dialogs = _watch(page)
    page.goto("/login")
    page.get_by_label("Email address").fill(PAYLOAD)
    page.get_by_label("Password").fill(PAYLOAD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_load_state()
    assert_inert(page, dialogs, "sign-in")

    page.get_by_label("Email address").fill("evaluator@example.org")
    page.get_by_label("Password").fill(DEMO_PASSWORD)
    with page.expect_navigation():
        page.get_by_role("button", name="Sign in").click()
    assert re.search(r"/login/code|/account/mfa/setup", page.url), page.url
    code = page.locator("main form").first
    code.locator("input[name=code]").fill(PAYLOAD)
    with page.expect_navigation():
        code.locator("button[type=submit]").first.click()
    assert_inert(page, dialogs, f"second sign-in step {page.url}", shown=False)


def test_coordinator_forms_show_script_as_text(signed_in, shoot):
    page = signed_in("coordinator@example.org")
    run_targets(page, COORDINATOR_TARGETS)
    shoot("last")


EVALUATOR_TARGETS = (
    Target(
        "data release",
        ("reports/exports.html",),
        "/reports/exports",
        forms=("/reports/exports/releases$",),
        views=("/reports/exports",),
    ),
)


def test_evaluator_forms_show_script_as_text(signed_in, shoot):
    page = signed_in("evaluator@example.org")
    run_targets(page, EVALUATOR_TARGETS)
    shoot("last")


def test_admin_forms_show_script_as_text(signed_in, shoot):
    page = signed_in("admin@example.org")
    dialogs = run_targets(page, ADMIN_TARGETS)
    _rename_own_factor(page, dialogs)
    for path in ("/reference/grid", "/reference/policy"):
        _refused_without_saving(page, dialogs, path)
    _forced_enrollment(page, dialogs)
    shoot("last")


# Steps for forms that only a record in a given state reaches --------------------------------------------

TOO_LONG = PAYLOAD * 40
"""Longer than any reason may be: the form is refused, with the typed text kept, and nothing changes."""


def hostile_submit(
    page: Page,
    dialogs: list[str],
    form: Locator,
    where: str,
    *,
    value: str = PAYLOAD,
    shown: bool = True,
    fill: bool = True,
) -> None:
    """The payload in every text field of ``form`` that is still empty (unless ``fill`` is false: the form
    as it was given back, corrected), then send it and check the page it leads to."""
    fields = [f for f in form.locator(TEXT_FIELDS).all() if f.is_visible() and f.is_editable()]
    for field in fields:
        if fill and not field.input_value():
            field.fill(value)
    submit(page, form, fields[-1])
    assert_inert(page, dialogs, where, shown=shown)


def _tamper_date(form: Locator, selector: str) -> None:
    """What a browser will not let a user type into a date field, sent as an attacker would."""
    field = form.locator(selector)
    field.evaluate("(e) => { e.type = 'text'; }")
    field.fill(PAYLOAD)


def _intake_and_hearing(page: Page, dialogs: list[str], case_url: str, number: str) -> tuple[str, str]:
    """Returns the hearing night's id and the address of the case's hearing."""
    today = datetime.date.today().isoformat()
    page.get_by_role("button", name="Start the intake").click()
    for label in (
        "Intake interview",
        "Admission of the offense",
        "Youth consent signed",
        "Guardian consent signed",
        "Confidentiality agreement signed",
    ):
        page.get_by_label(label).fill(today)
    page.get_by_label("Peer pressure").check()
    hostile_submit(page, dialogs, page.locator("main form").first, "intake notes on the case page")
    page.get_by_role("button", name="Intake complete: ready for a hearing").click()
    page.wait_for_load_state()

    night_id = plan_night(
        page,
        datetime.date.fromisoformat(today),
        "Riverside County Courthouse, 2nd floor",
        starts="00:00",
        ends="23:59",
        capacity="4",
    )
    choose_case(page, number)
    page.get_by_role("button", name="Add to the docket").click()
    page.wait_for_load_state()
    page.goto(case_url)
    page.locator("#case-hearings").get_by_role("link", name=re.compile(today)).click()
    slot_url = page.url

    outcome = page.locator("main form[action$='/outcome']")
    hostile_submit(page, dialogs, outcome, "hearing outcome refused without a result")
    page.get_by_label("Held").check()
    hostile_submit(
        page, dialogs, page.locator("main form[action$='/outcome']"), "hearing outcome", shown=False
    )
    expect(page.get_by_role("status")).to_contain_text("recorded as held")

    page.locator("a[href$='/investigation']").first.click()
    investigation = page.locator("main form[action$='/investigation']")
    hostile_submit(page, dialogs, investigation, "investigation record saved", shown=False)
    page.goto(f"{slot_url}/investigation")
    assert_inert(page, dialogs, "investigation record, opened again")
    return night_id, slot_url


def _excused_juror(page: Page, dialogs: list[str], night_id: str) -> None:
    """A juror of the test's own, booked on the case's night and excused with the payload as the reason;
    made an alumnus afterwards, so other tests never find them among the jurors free to invite."""
    name = "Zora Hostile"
    page.goto("/jurors/new")
    page.get_by_label("First name").fill("Zora")
    page.get_by_label("Last name").fill("Hostile")
    page.get_by_label("Date of birth").fill("2010-06-01")
    page.get_by_label("School").fill("Riverside High")
    page.get_by_label("Grade").fill("10")
    page.get_by_label("Guardian's name").fill("Ama Hostile")
    page.get_by_role("button", name="Add the volunteer").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(name)
    juror_url = page.url
    yesterday = (datetime.date.today() - datetime.timedelta(days=1)).isoformat()
    page.get_by_label("Oath signed on").fill(yesterday)
    page.get_by_label("Parent's consent signed on").fill(yesterday)
    page.get_by_role("button", name="Record the oath and consent").click()
    expect(page.get_by_text("The oath and the parent's consent were recorded.")).to_be_visible()
    page.get_by_label("Change the status to").select_option(label="Active")
    page.get_by_role("button", name="Change the status").click()
    expect(page.locator(".page-head .state")).to_have_text("Active")

    page.goto(f"/jurors/nights/{night_id}")
    page.get_by_label("Only jurors free that night (not booked for it yet)").check()
    page.get_by_role("button", name="Show jurors").click()
    expect(page).to_have_url(re.compile(r"free=1"))
    page.wait_for_load_state("networkidle")  # ticking the box and the button each load the list
    page.locator("#candidates label", has_text=name).locator("input").check()
    page.get_by_role("button", name="Invite the chosen jurors").click()
    expect(page.get_by_role("status")).to_contain_text("1 juror invited")
    page.get_by_role("link", name=re.compile(r"^Invited, no reply yet")).click()
    # The tab swaps the list in place: wait for the swapped list before answering in it.
    expect(page.locator("#replies [aria-current=page]")).to_contain_text("Invited, no reply yet")
    page.wait_for_load_state("networkidle")
    page.locator("#replies tbody tr", has_text="Zora H.").get_by_role("button", name="Confirmed").click()
    expect(page.get_by_role("status")).to_contain_text("is confirmed")

    page.goto(f"/jurors/nights/{night_id}/check-in")
    row = page.locator("article[id^=checkin-]", has_text="Zora H.")
    excuse = row.locator("form", has=page.get_by_label("Excused: reason"))
    hostile_submit(page, dialogs, excuse, "juror excused at check-in")
    expect(row).to_contain_text("Reason: <script>")

    page.goto(juror_url)
    page.get_by_label("Change the status to").select_option(label="Alumni")
    page.get_by_role("button", name="Change the status").click()
    expect(page.locator(".page-head .state")).to_have_text("Alumni")


def _disposition_and_sanction(page: Page, dialogs: list[str]) -> None:
    soon = (datetime.date.today() + datetime.timedelta(days=150)).isoformat()
    page.get_by_role("button", name="Record the disposition").click()
    form = page.locator("main form[action$='/disposition']")
    page.get_by_label("Sanction 1 type").select_option(label="Community service")
    hostile_submit(page, dialogs, form, "disposition refused (no quantity)")
    page.get_by_label("Sanction 1 quantity").fill("10")
    page.get_by_label("Sanction 1 reason outside the grid").fill("")
    # The jury found nothing here: the sanction addresses none of the findings, the payload is the reason.
    page.get_by_label("Sanction 1 addresses").select_option(value="none")
    for row in page.locator("main fieldset").all()[1:]:
        for field in row.locator("input[type=text]").all():
            field.fill("")
    hostile_submit(page, dialogs, form, "disposition on the case", fill=False)
    expect(page.locator("hgroup .state")).to_have_text("Sanctions in progress")

    page.locator("#sanctions").get_by_role("link", name="Community service").click()
    progress = page.locator("main form[action$='/progress']")
    progress.get_by_label("Date", exact=True).fill(datetime.date.today().isoformat())
    progress.get_by_label("Kind").select_option(label="Hours")
    progress.get_by_label("Amount").fill("4")
    hostile_submit(page, dialogs, progress, "sanction progress log")
    extension = page.locator("main form[action$='/extension']")
    extension.get_by_label("New due date").fill(soon)
    hostile_submit(page, dialogs, extension, "sanction extension")
    page.get_by_role("link", name=re.compile(r"^Case \d{4}-\d{4}$")).first.click()


def _closure_and_follow_up(page: Page, dialogs: list[str], case_url: str) -> None:
    page.locator("#closure").get_by_role("button", name="Close the case").click()
    hostile_submit(
        page, dialogs, page.locator("main form[action$='/closure']"), "closure refused (no outcome)"
    )
    page.get_by_label("Outcome").select_option(label="Unsuccessful: returned to the referral source")
    hostile_submit(page, dialogs, page.locator("main form[action$='/closure']"), "closure on the case")
    page.goto(f"{case_url}/letter")
    assert_inert(page, dialogs, "letter to the referral source")

    page.goto(case_url)
    check_url = page.locator("#closure a[href*='/follow-ups/']").first.get_attribute("href").split("?")[0]
    page.goto(f"{check_url}?back={quote(PAYLOAD)}")
    assert_inert(page, dialogs, "follow-up check with a hostile address")
    form = page.locator("main form[action^='/follow-ups/']")
    _tamper_date(form, "#field-checked_on")
    with page.expect_navigation():
        form.get_by_role("button", name="Record the check").click()
    assert_inert(page, dialogs, "follow-up check refused")
    expect(page.locator("#error-checked_on")).to_be_visible()

    page.goto(case_url)
    event = page.locator("#outcome-event-form")
    for select in event.locator("select").all():
        select.select_option(index=1)
    _tamper_date(event, "input[type=text], input[type=date]")
    submit(page, event, event.locator("input").last)
    assert_inert(page, dialogs, "new offense refused")
    expect(page.locator("#outcome-event-form .field-error").first).to_be_visible()


def _sealing(page: Page, dialogs: list[str], case_url: str, number: str) -> None:
    page.goto(case_url)
    page.locator("#sealing").get_by_role("button", name="Seal this case…").click()
    hostile_submit(page, dialogs, page.locator("main form[action$='/seal']"), "seal refused (not confirmed)")
    page.get_by_label("I confirm").check()
    hostile_submit(page, dialogs, page.locator("main form[action$='/seal']"), "seal", shown=False)
    expect(page.get_by_role("status")).to_contain_text(f"Case {number} is sealed")
    page.goto(case_url)
    hostile_submit(
        page, dialogs, page.locator("main form[action$='/open']"), "opened with a reason", shown=False
    )
    expect(page.locator("h1")).to_contain_text("Hostile Casework")

    page.context.clear_cookies()
    page.goto("/login")
    sign_in(page, "admin@example.org")
    page.goto("/audit")
    assert_inert(page, dialogs, "the seal and open reasons in the audit trail")
    expect(page.locator("main")).to_contain_text(f"reason: {MARK}")
    page.goto(f"{case_url}/sealed")
    unseal = page.locator("main form[action$='/unseal']")
    hostile_submit(page, dialogs, unseal, "unseal refused (too long)", value=TOO_LONG)
    expect(page.locator("#error-unseal_reason")).to_be_visible()
    page.goto(f"{case_url}/expunge")
    hostile_submit(
        page, dialogs, page.locator("main form[action$='/expunge']"), "expunge refused (wrong number)"
    )
    expect(page.locator("#error-confirm_number")).to_be_visible()
    page.get_by_label("Type the case number to confirm").fill(number)
    with page.expect_navigation():
        page.get_by_role("button", name="Expunge the youth's records").click()
    assert_inert(page, dialogs, "expunged", shown=False)
    expect(page.get_by_role("status")).to_contain_text(f"Case {number} is expunged")


def test_a_case_of_its_own_shows_script_as_text(signed_in, shoot):
    """Intake, hearing, disposition, sanctions, closure, follow-up and sealing, on one new case ending expunged
    (so it leaves the case list that other browser tests read)."""
    page = signed_in("coordinator@example.org")
    page.set_default_timeout(10_000)
    dialogs = _watch(page)
    take_referral(page, "Hostile", "Casework")
    case_url = re.sub(r"^https?://[^/]+", "", page.url)
    number = page.locator("h1 small").inner_text().split("Case ")[-1].strip()
    night_id, slot_url = _intake_and_hearing(page, dialogs, case_url, number)
    _excused_juror(page, dialogs, night_id)
    page.goto(slot_url)
    _disposition_and_sanction(page, dialogs)
    _closure_and_follow_up(page, dialogs, case_url)
    _sealing(page, dialogs, case_url, number)
    shoot("last")


def _rename_own_factor(page: Page, dialogs: list[str]) -> None:
    """Rename the factor the "screening factor" target added, in its row and on its own page."""
    page.goto("/reference/factors")
    row = page.locator("main tbody tr", has_text=MARK).first
    link = row.get_by_role("link", name=re.compile(r"^Rename"))
    address = link.get_attribute("href")
    link.click()
    inline = page.locator(f"main tr form[action='{address}']")
    for name, where in (
        (TOO_LONG, "factor rename in its row, refused (too long)"),
        (f"{SHORT}r", "factor list"),
    ):
        inline.locator("input[name=name]").fill("")
        hostile_submit(page, dialogs, inline, where, value=name)
        if name == TOO_LONG:
            expect(inline.locator(".field-error")).to_be_visible()
    expect(page.locator("main tbody tr", has_text=f"{SHORT}r")).to_have_count(1)

    page.goto(address)
    for name, where in ((TOO_LONG, "factor rename page, refused (too long)"), (f"{SHORT}f", "factor list")):
        form = page.locator(f"main form[action='{address}']")
        form.locator("input[name=name]").fill("")
        hostile_submit(page, dialogs, form, where, value=name)
    expect(page.locator("main tbody tr", has_text=f"{SHORT}f")).to_have_count(1)


def _forced_enrollment(page: Page, dialogs: list[str]) -> None:
    """A coordinator the admin adds signs in and must set up the app: the payload as the code first."""
    email = "hostile.enrollment@example.org"
    page.goto("/admin/users/new")
    page.get_by_label("Full name").fill("Hostile Enrollment")
    page.get_by_label("Email address").fill(email)
    page.get_by_label("Role in this program").select_option("coordinator")
    page.get_by_role("button", name="Add", exact=True).click()
    page.get_by_role("button", name="Give a temporary password").click()
    temporary = page.locator(".temporary-password code").inner_text()
    page.context.clear_cookies()
    page.goto("/login")
    sign_in(page, email, temporary)
    expect(page).to_have_url(re.compile(r"/account/mfa/setup"))
    form = page.locator("main form[action='/account/mfa/setup']")
    hostile_submit(page, dialogs, form, "authenticator set-up refused", shown=False)
    expect(page.get_by_role("alert")).to_be_visible()
    expect(page).to_have_url(re.compile(r"/account/mfa/setup"))
    enroll(page, email)
    expect(page).to_have_url(re.compile(r"/account/password$"))
    assert_inert(page, dialogs, "after the set-up", shown=False)


def _refused_without_saving(page: Page, dialogs: list[str], path: str) -> None:
    """Demo settings other tests read: every field gets the payload (past the fields' length limits, as an
    attacker sends it), which the form refuses whole, so nothing is saved; never corrected and sent again."""
    page.goto(path)
    form = page.locator(f"main form[action='{path}']")
    form.locator(TEXT_FIELDS).evaluate_all(
        "(fields, value) => fields.forEach((f) => { f.value = value; })", PAYLOAD
    )
    with page.expect_navigation() as navigation:
        form.locator(BUTTONS).first.click()
    assert navigation.value.status == 422, f"{path} was not refused"
    expect(page.locator(".error-summary")).to_be_visible()
    assert_inert(page, dialogs, f"{path}, refused")
