"""Browser tests: the real server on a temporary database with the demo data, driven in Chromium.

The server is started the way an operator starts it (``youthcourt database upgrade``,
``youthcourt demo-data``, ``youthcourt run``). Playwright's own Chromium is used when it
is installed; otherwise Debian's headless shell (``chromium-headless-shell``, the build
Playwright itself uses for headless runs, at half the full browser's processor time), or
Debian's full ``chromium`` where only that is installed. Every test saves screenshots of
the pages it visits in ``e2e/screenshots/`` for people to look at (not with ``CI`` set).
"""

from __future__ import annotations

import datetime
import os
import re
import shutil
import socket
import sqlite3
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
from playwright.sync_api import Page, expect

from youthcourt.accounts.mfa import STEP_SECONDS, code_at, current_step
from youthcourt.demo.people import DEMO_TOTP_SECRET

# The demo program counts days in New York; the tests name days with ``date.today()``. Run them
# (and the server they start) in that zone, so the evening hours when New York and UTC are on
# different days do not move "today".
os.environ["TZ"] = "America/New_York"
time.tzset()

SCREENSHOTS = Path(__file__).parent / "screenshots"
TAKE_SCREENSHOTS = not os.environ.get("CI")
"""Screenshots are for people to look at; continuous integration, where nobody does, skips them."""
DEMO_PASSWORD = "youthcourt-demo"
SYSTEM_CHROMIUMS = ("chromium-headless-shell", "chromium", "chromium-browser")
"""The system's Chromium builds, in order of preference: the headless shell first."""
CHROMIUM_FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


def _playwright_has_its_own_chromium() -> bool:
    cache = Path(os.environ.get("PLAYWRIGHT_BROWSERS_PATH", Path.home() / ".cache" / "ms-playwright"))
    return any(cache.glob("chromium-*/chrome-linux*/chrome"))


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args: dict) -> dict:
    args = {**browser_type_launch_args, "args": CHROMIUM_FLAGS}
    system_chromium = next((path for name in SYSTEM_CHROMIUMS if (path := shutil.which(name))), None)
    if not _playwright_has_its_own_chromium() and system_chromium:
        args["executable_path"] = system_chromium
    return args


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _youthcourt(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    command = [sys.executable, "-c", "from youthcourt.cli import main; main()", *args]
    return subprocess.run(command, env=env, check=True, capture_output=True, text=True, timeout=120)


@pytest.fixture(scope="session")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    data_dir = tmp_path_factory.mktemp("server")
    port = _free_port()
    env = {**os.environ, "YOUTHCOURT_DATA_DIR": str(data_dir), "YOUTHCOURT_ENV": "development"}
    env.pop("YOUTHCOURT_DATABASE_URL", None)
    _youthcourt("database", "upgrade", "--no-prompt", env=env)
    _youthcourt("demo-data", env=env)
    log = (data_dir / "server.log").open("w")
    process = subprocess.Popen(
        [sys.executable, "-c", "from youthcourt.cli import main; main()", "run", "--port", str(port)],
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    base_url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while True:
        try:
            with urllib.request.urlopen(f"{base_url}/health", timeout=1) as response:  # noqa: S310 - local server
                if response.status == 200:
                    break
        except OSError:
            if process.poll() is not None or time.monotonic() > deadline:
                process.kill()
                raise RuntimeError((data_dir / "server.log").read_text()) from None
            time.sleep(0.2)
    yield base_url
    process.terminate()
    process.wait(timeout=10)
    log.close()


@pytest.fixture(scope="session")
def base_url(server: str) -> str:
    return server


@pytest.fixture
def shoot(page: Page, request: pytest.FixtureRequest):
    """Save a full-page screenshot named after the test and the step."""
    SCREENSHOTS.mkdir(exist_ok=True)

    def take(step: str) -> Path:
        name = re.sub(r"[^A-Za-z0-9_.-]+", "-", f"{request.node.name}-{step}").strip("-")
        path = SCREENSHOTS / f"{name}.png"
        if TAKE_SCREENSHOTS:
            page.screenshot(path=str(path), full_page=True)
        return path

    return take


_last_steps: dict[str, int] = {}
"""The step of the last code sent per email: the tests share one server, and a code counts once."""


def fresh_code(email: str, secret: str = DEMO_TOTP_SECRET) -> str:
    """A code the server has not accepted yet: previous, current, next step in turn, else wait for one."""
    last = _last_steps.get(email)
    while True:
        now = time.time()
        step = current_step(now)
        candidates = [s for s in (step - 1, step, step + 1) if last is None or s > last]
        if (step + 1) * STEP_SECONDS - now < 2 and step - 1 in candidates:
            candidates.remove(step - 1)  # it could expire on the way to the server
        if candidates:
            _last_steps[email] = candidates[0]
            return code_at(secret, candidates[0])
        time.sleep((step + 1) * STEP_SECONDS - now + 0.05)


_sessions: dict[str, list[Any]] = {}
"""The session cookie of each demo account's last full sign-in, for tests about something else."""


def sign_in(page: Page, email: str, password: str = DEMO_PASSWORD, *, fresh: bool = False) -> None:
    """Sign in from the sign-in page, landing where a real sign-in lands.

    A code is accepted once, so one account can sign in only about once per 30 seconds. Tests
    about other things therefore resume the account's last session (as a browser that stayed
    signed in would); tests of signing in pass ``fresh=True`` and always type password and code.
    """
    if not fresh and password == DEMO_PASSWORD and _resume(page, email):
        return
    _type_credentials(page, email, password)
    if password == DEMO_PASSWORD and "/login" not in page.url:
        _sessions[email] = [c for c in page.context.cookies() if c["name"].endswith("youthcourt_session")]


def choose_language(page: Page, label: str, button: str) -> None:
    """Set the account's language on its page, with the page's words in the language it is in now."""
    page.goto("/account/language")
    page.get_by_label(label).check()
    page.get_by_role("button", name=button).click()
    expect(page.get_by_role("status")).to_be_visible()


def sign_in_in_spanish(page: Page, email: str) -> None:
    """Sign in as a browser that asks for Spanish sees the sign-in page (password, then a fresh code)."""
    page.goto("/login")
    _type_credentials(page, email, DEMO_PASSWORD, SPANISH_SIGN_IN)


def _resume(page: Page, email: str) -> bool:
    cookies = _sessions.get(email)
    if not cookies:
        return False
    login_url = page.url
    wanted = parse_qs(urlsplit(login_url).query).get("next", ["/"])[0]
    page.context.add_cookies(cookies)
    page.goto(wanted if wanted.startswith("/") else "/")
    if "/login" in urlsplit(page.url).path:  # the session ended (signed out, timed out)
        del _sessions[email]
        page.context.clear_cookies()
        page.goto(login_url)
        return False
    return True


ENGLISH_SIGN_IN = ("Email address", "Password", "Sign in", "Code from your authenticator app", "Continue")
SPANISH_SIGN_IN = (
    "Correo electrónico",
    "Contraseña",
    "Iniciar sesión",
    "Código de tu app de autenticación",
    "Continuar",
)
"""The sign-in page's labels and buttons, in order, as each language shows them."""


def _type_credentials(
    page: Page, email: str, password: str, words: tuple[str, ...] = ENGLISH_SIGN_IN
) -> None:
    """The password, then (for accounts with MFA, such as the four documented demo accounts) the code."""
    email_label, password_label, sign_in_button, code_label, continue_button = words
    page.get_by_label(email_label).fill(email)
    page.get_by_label(password_label).fill(password)
    with page.expect_navigation():
        page.get_by_role("button", name=sign_in_button).click()
    if "/login/code" in page.url:
        page.get_by_label(code_label).fill(fresh_code(email))
        with page.expect_navigation():
            page.get_by_role("button", name=continue_button).click()


def enroll(page: Page, email: str) -> None:
    """Forced set-up of the authenticator app: read the key from the page, confirm it, pass the codes."""
    secret = page.locator("#secret-key").inner_text().replace(" ", "")
    page.get_by_label("Code from your authenticator app").fill(fresh_code(email, secret))
    page.get_by_role("button", name="Confirm and continue").click()
    page.get_by_role("button", name="I have saved them, continue").click()


def demo_identifiers(tmp_path_factory: pytest.TempPathFactory) -> dict[str, set]:
    """Names, birth dates, agency reference numbers and case numbers of the demo youth, from the server's database."""
    databases = sorted(tmp_path_factory.getbasetemp().glob("server*/youthcourt.db"))
    assert databases, "the e2e server's database was not found"
    connection = sqlite3.connect(f"file:{databases[0]}?mode=ro", uri=True)
    try:
        youth = connection.execute("SELECT first_name, last_name, date_of_birth FROM youth").fetchall()
        references = {row[0] for row in connection.execute("SELECT source_reference FROM referral") if row[0]}
        numbers = {row[0] for row in connection.execute("SELECT number FROM youth_case")}
    finally:
        connection.close()
    assert youth and references and numbers
    return {
        "names": {f"{first} {last}" for first, last, _ in youth},
        "last_names": {last for _, last, _ in youth},
        "births": {datetime.date.fromisoformat(str(born)[:10]) for _, _, born in youth},
        "references": references,
        "numbers": numbers,
    }


def choose_case(page: Page, number: str | None = None) -> None:
    """On a hearing night's page, choose a case to put on a docket: the first offered, or the one
    numbered ``number``, found through the picker's search as a coordinator would."""
    choices = page.locator("#case-choices")
    if number is None:
        choices.locator("input[name=case_id]").first.check()
        return
    page.get_by_label("Find a case by part of the youth's name or of the case number").fill(number)
    choice = choices.get_by_label(f"{number} · ")
    expect(choice).to_have_count(1)
    choice.check()


def plan_night(
    page: Page,
    day: datetime.date,
    location: str,
    *,
    starts: str = "18:00",
    ends: str = "20:30",
    capacity: str = "",
) -> str:
    """Plan a hearing night through its form (one courtroom), as a coordinator; returns the night's id."""
    page.goto("/hearings/new")
    page.get_by_label("Date", exact=True).fill(day.isoformat())
    page.get_by_label("Starts at").fill(starts)
    page.get_by_label("Ends at").fill(ends)
    page.get_by_label("Location").fill(location)
    if capacity:
        page.get_by_label("Courtroom 1: cases it can hear").fill(capacity)
    page.get_by_role("button", name="Create the night").click()
    expect(page.get_by_role("status")).to_contain_text("The hearing night was created.")
    return re.search(r"/hearings/([0-9a-f-]{36})", page.url).group(1)
