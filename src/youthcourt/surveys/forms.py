"""The forms of surveys: a survey's questions, offering a survey, and the answers given through a link."""

from __future__ import annotations

from youthcourt.surveys.models import Channel, Occasion, SurveyKind
from youthcourt.web.forms import Choice, DeclaredForm, Email, Flag, Number, Text
from youthcourt.web.i18n import N_, _

AGREE_SCALE = {
    "5": N_("Strongly agree"),
    "4": N_("Agree"),
    "3": N_("Neither agree nor disagree"),
    "2": N_("Disagree"),
    "1": N_("Strongly disagree"),
}
"""The five-point agree scale, as the answer page offers it (strongest agreement first); the
options here and below are in English, and :func:`translated` gives them in the page's language."""
MAX_STATEMENTS = 15
MAX_STATEMENT_LENGTH = 200
LINK_DAYS_DEFAULT = 14
LINK_DAYS_MAX = 90
CASE_SURVEYS = {
    SurveyKind.RESPONDENT.value: N_("The respondent"),
    SurveyKind.GUARDIAN.value: N_("A parent or guardian"),
}
CASE_OCCASIONS = {
    Occasion.AFTER_HEARING.value: Occasion.AFTER_HEARING.label,
    Occasion.AT_CLOSURE.value: Occasion.AT_CLOSURE.label,
}
CHANNELS = {
    Channel.TABLET.value: N_("Show a QR code on this screen"),
    Channel.EMAIL.value: N_("Send it by email"),
}


def translated(options: dict[str, str]) -> dict[str, str]:
    """A form's options in the page's language."""
    return {value: _(text) for value, text in options.items()}


class QuestionsForm(DeclaredForm):
    """A survey's questions: statements on the agree scale, one a line, and one free-text question."""

    statements = Text(N_("the statements"), max_length=MAX_STATEMENTS * (MAX_STATEMENT_LENGTH + 2))
    free_text_question = Text(N_("the free-text question"), max_length=300)

    def check(self) -> None:
        lines = [line.strip() for line in self.statements.splitlines() if line.strip()]
        if self.has_error("statements"):
            return
        if len(lines) > MAX_STATEMENTS:
            self.error("statements", _("Keep to %(max)s statements at most.", max=MAX_STATEMENTS))
        elif any(len(line) > MAX_STATEMENT_LENGTH for line in lines):
            self.error(
                "statements",
                _("Each statement must be at most %(max)s characters.", max=MAX_STATEMENT_LENGTH),
            )
        self.statements = lines  # type: ignore[assignment]


class OfferForm(DeclaredForm):
    """Offering a survey to the respondent or a guardian of a case: on the tablet, or by email."""

    kind = Choice(N_("who answers"), options=CASE_SURVEYS)
    occasion = Choice(N_("when it is offered"), options=CASE_OCCASIONS)
    channel = Choice(N_("how to give the link"), options=CHANNELS)
    email = Email(required=False)
    valid_days = Number(N_("how many days the link works"), minimum=1, maximum=LINK_DAYS_MAX, example="14")

    def check(self) -> None:
        if self.channel == Channel.EMAIL.value and not self.email and not self.has_error("email"):
            self.error("email", _("Enter the email address to send the link to."))


class NightOfferForm(DeclaredForm):
    """Offering the juror survey to the jurors of a night: one tablet link, or an email to each juror."""

    channel = Choice(N_("how to give the links"), options=CHANNELS)
    valid_days = Number(N_("how many days the links work"), minimum=1, maximum=LINK_DAYS_MAX, example="14")


class StatementForm(DeclaredForm):
    """One statement's answer on the agree scale; the answer page reads one per statement, each with
    the prefix ``s<n>_`` (the statements are the program's own, as many as its version holds), and
    ``{number}`` in words says which, so an error names the statement it is about."""

    answer = Choice(N_("an answer to statement {number}"), options=AGREE_SCALE)


def statement_prefix(number: int) -> str:
    """``s0_``, ``s1_``...: the prefix of statement ``number``'s field (``s0_answer``)."""
    return f"s{number}_"


class ConsentForm(DeclaredForm):
    """The answer page's last part: the free text and whether to link the answers to the case."""

    comment = Text(N_("your answer"), required=False, max_length=2000)
    link_to_case = Flag(N_("I agree that my answers are linked to my case"))
