"""The sign-in, password and user forms, declared once (see :class:`youthcourt.web.forms.DeclaredForm`)."""

from __future__ import annotations

import re

from youthcourt.programs.models import Role
from youthcourt.programs.timezones import timezone_choices
from youthcourt.web.forms import Choice, Context, DeclaredForm, Email, Field, Form, Text
from youthcourt.web.i18n import LANGUAGES, N_, _, enter_message

ROLE_CHOICES = {role.value: role.label for role in Role}
"""Each role by value, with its English label (the catalog's key): pages show :func:`role_choices`."""


def role_choices() -> dict[str, str]:
    """The roles as a menu shows them, in the reader's language."""
    return {value: _(label) for value, label in ROLE_CHOICES.items()}


class Secret(Field):
    """A password or one-time code as typed: never shortened, and taken out of the form so that
    the page re-rendered never shows it again."""

    def read(self, form: Form, name: str, context: Context) -> str:
        value = form.values.pop(name, "")
        if self.required and not value:
            form.error(name, enter_message(self.label_in(context)))
        return value


class SignInForm(DeclaredForm):
    email = Text(N_("your email address"), max_length=254)
    password = Secret(N_("your password"))


class CodeForm(DeclaredForm):
    """A code from the authenticator app (or a recovery code); its messages depend on the step."""

    code = Secret(required=False)


class PasswordForm(DeclaredForm):
    """A new password for one's own account; the rules that need the account are the handler's."""

    current_password = Secret(required=False)
    new_password = Secret(required=False)
    confirm_password = Secret(required=False)


LANGUAGE_CHOICES = {"": "browser", **LANGUAGES}
"""What the language menu offers: the browser's language, or one the app speaks."""


class LanguageForm(DeclaredForm):
    language = Choice(N_("a language"), options=LANGUAGE_CHOICES, required=False)


class UserForm(DeclaredForm):
    """A person added to the program."""

    full_name = Text(N_("the person's full name"))
    email = Email()
    role = Choice(N_("a role"), options=ROLE_CHOICES)


class NewAccountForm(DeclaredForm):
    """An account made from the command line (``youthcourt create-user``)."""

    email = Email()
    full_name = Text(N_("a full name"))


class RoleForm(DeclaredForm):
    role = Choice(N_("a role"), options=ROLE_CHOICES)


SLUG = re.compile(r"^[a-z0-9][a-z0-9-]{1,58}[a-z0-9]$")


class ProgramForm(DeclaredForm):
    """A new program, by a site administrator; the short name is lower-cased."""

    name = Text(N_("the program's name"))
    slug = Text(N_("a short name for addresses"), max_length=60)
    timezone = Choice(N_("the program's time zone"), options=timezone_choices())

    def check(self) -> None:
        self.slug = self.slug.lower()
        if self.slug and not SLUG.match(self.slug):
            self.error(
                "slug",
                _("Use 3 to 60 lower-case letters, digits and dashes, for example riverside-youth-court."),
            )


class ProgramSettingsForm(DeclaredForm):
    """A program's name and time zone, changed by a site administrator (the short name stays)."""

    name = Text(N_("the program's name"))
    timezone = Choice(N_("the program's time zone"), options=timezone_choices())
