"""The forms of surveys: a survey's questions, offering a survey, and the answers given through a link."""

from __future__ import annotations

from youthcourt.surveys.models import Channel, Occasion, SurveyKind
from youthcourt.web.forms import Choice, DeclaredForm, Email, Flag, Number, Text

AGREE_SCALE = {
    "5": "Strongly agree",
    "4": "Agree",
    "3": "Neither agree nor disagree",
    "2": "Disagree",
    "1": "Strongly disagree",
}
"""The five-point agree scale, as the answer page offers it (strongest agreement first)."""
MAX_STATEMENTS = 15
MAX_STATEMENT_LENGTH = 200
LINK_DAYS_DEFAULT = 14
LINK_DAYS_MAX = 90
CASE_SURVEYS = {
    SurveyKind.RESPONDENT.value: "The respondent",
    SurveyKind.GUARDIAN.value: "A parent or guardian",
}
CASE_OCCASIONS = {Occasion.AFTER_HEARING.value: "After the hearing", Occasion.AT_CLOSURE.value: "At closure"}
CHANNELS = {Channel.TABLET.value: "Show a QR code on this screen", Channel.EMAIL.value: "Send it by email"}


class QuestionsForm(DeclaredForm):
    """A survey's questions: statements on the agree scale, one a line, and one free-text question."""

    statements = Text("the statements", max_length=MAX_STATEMENTS * (MAX_STATEMENT_LENGTH + 2))
    free_text_question = Text("the free-text question", max_length=300)

    def check(self) -> None:
        lines = [line.strip() for line in self.statements.splitlines() if line.strip()]
        if self.has_error("statements"):
            return
        if len(lines) > MAX_STATEMENTS:
            self.error("statements", f"Keep to {MAX_STATEMENTS} statements at most.")
        elif any(len(line) > MAX_STATEMENT_LENGTH for line in lines):
            self.error("statements", f"Each statement must be at most {MAX_STATEMENT_LENGTH} characters.")
        self.statements = lines  # type: ignore[assignment]


class OfferForm(DeclaredForm):
    """Offering a survey to the respondent or a guardian of a case: on the tablet, or by email."""

    kind = Choice("who answers", options=CASE_SURVEYS)
    occasion = Choice("when it is offered", options=CASE_OCCASIONS)
    channel = Choice("how to give the link", options=CHANNELS)
    email = Email(required=False)
    valid_days = Number("how many days the link works", minimum=1, maximum=LINK_DAYS_MAX, example="14")

    def check(self) -> None:
        if self.channel == Channel.EMAIL.value and not self.email and not self.has_error("email"):
            self.error("email", "Enter the email address to send the link to.")


class NightOfferForm(DeclaredForm):
    """Offering the juror survey to the jurors of a night: one tablet link, or an email to each juror."""

    channel = Choice("how to give the links", options=CHANNELS)
    valid_days = Number("how many days the links work", minimum=1, maximum=LINK_DAYS_MAX, example="14")


class StatementForm(DeclaredForm):
    """One statement's answer on the agree scale; the answer page reads one per statement, each with
    the prefix ``s<n>_`` (the statements are the program's own, as many as its version holds), and
    ``{number}`` in words says which, so an error names the statement it is about."""

    answer = Choice("an answer to statement {number}", options=AGREE_SCALE)


def statement_prefix(number: int) -> str:
    """``s0_``, ``s1_``...: the prefix of statement ``number``'s field (``s0_answer``)."""
    return f"s{number}_"


class ConsentForm(DeclaredForm):
    """The answer page's last part: the free text and whether to link the answers to the case."""

    comment = Text("your answer", required=False, max_length=2000)
    link_to_case = Flag("I agree that my answers are linked to my case")
