"""The words of the statewide set: places, people's names, what happened, what was said.

Weights are shares out of 100 where a list has them: the offense and source mixes follow what
youth courts report (shoplifting and vandalism lead; police refer most cases, schools next).
"""

from __future__ import annotations

import itertools
import random
from collections.abc import Iterable
from typing import Any

from youthcourt.reference.models import SourceKind


class Mix:
    """Items drawn in given proportions: ``Mix(((item, weight), ...)).pick(rng)``."""

    def __init__(self, pairs: Iterable[tuple[Any, float]]) -> None:
        items, weights = zip(*pairs, strict=True)
        self.items = items
        self.cumulative = list(itertools.accumulate(weights))

    def pick(self, rng: random.Random) -> Any:
        return rng.choices(self.items, cum_weights=self.cumulative)[0]


COUNTIES = (
    "Riverside",
    "Adams",
    "Brookfield",
    "Cedar",
    "Dunmore",
    "Elk River",
    "Fairview",
    "Glenwood",
    "Harlan",
    "Iron Hills",
    "Jasper",
    "Kingsley",
    "Lakeview",
    "Marion",
    "Northport",
    "Oakdale",
    "Pine Ridge",
    "Quincy",
    "Redstone",
    "Silver Lake",
)
COURT_KINDS = ("County Youth Court", "Teen Court", "Youth Court", "Peer Jury")
SCHOOL_KINDS = ("High School", "Middle School", "Academy", "Junior High School")
SCHOOL_NAMES = (
    "Lincoln",
    "Washington",
    "Eastside",
    "Northgate",
    "Central",
    "Westview",
    "Roosevelt",
    "Valley",
)
STREETS = (
    "Main Street",
    "Oak Avenue",
    "Maple Drive",
    "Elm Street",
    "Park Road",
    "Church Street",
    "Lake Road",
)
SERVICE_SITES = (
    ("Food Bank", "volunteer coordinator"),
    ("Parks Department", "crew leader"),
    ("Animal Shelter", "shelter manager"),
    ("Senior Center", "activities director"),
    ("Public Library", "branch librarian"),
    ("Habitat ReStore", "store manager"),
)

FIRST_NAMES = (
    "Aaliyah", "Aiden", "Alexis", "Andre", "Angel", "Ariana", "Ava", "Benjamin", "Bianca", "Brandon",
    "Brianna", "Caleb", "Camila", "Carlos", "Chloe", "Christopher", "Daniel", "Darnell", "Destiny",
    "Diego", "Dylan", "Elena", "Elijah", "Emily", "Emma", "Eric", "Ethan", "Fatima", "Felix", "Gabriel",
    "Gabriela", "Grace", "Hailey", "Hannah", "Hector", "Imani", "Isabella", "Isaiah", "Jada", "Jamal",
    "Jasmine", "Jayden", "Jordan", "Jose", "Joshua", "Julian", "Justin", "Kayla", "Keisha", "Kevin",
    "Kiara", "Leilani", "Liam", "Logan", "Lucas", "Madison", "Malik", "Marcus", "Maria", "Marisol",
    "Mason", "Maya", "Mia", "Michael", "Nathan", "Nia", "Noah", "Olivia", "Omar", "Oscar", "Paige",
    "Pedro", "Quinn", "Rafael", "Riley", "Rosa", "Ryan", "Samantha", "Sofia", "Tariq", "Taylor",
    "Trinity", "Tyler", "Uma", "Valerie", "Victor", "Willow", "Xavier", "Yasmin", "Zane", "Zoe",
)  # fmt: skip
LAST_NAMES = (
    "Adams", "Alvarez", "Anderson", "Baker", "Bell", "Brooks", "Brown", "Bryant", "Castillo", "Chen",
    "Clark", "Coleman", "Cruz", "Davis", "Dawson", "Diaz", "Edwards", "Evans", "Fischer", "Flores",
    "Foster", "Garcia", "Gomez", "Gonzalez", "Gray", "Green", "Hall", "Harris", "Hayes", "Hernandez",
    "Hill", "Howard", "Hughes", "Ibrahim", "Ingram", "Jackson", "Jensen", "Johnson", "Jones", "Kim",
    "King", "Lee", "Lewis", "Lopez", "Martin", "Martinez", "Miller", "Mitchell", "Moore", "Morales",
    "Morgan", "Murphy", "Nelson", "Nguyen", "Okafor", "Ortiz", "Parker", "Patel", "Perez", "Phillips",
    "Price", "Ramirez", "Reed", "Reyes", "Rivera", "Roberts", "Robinson", "Rodriguez", "Ross", "Russell",
    "Sanchez", "Scott", "Simmons", "Smith", "Sullivan", "Taylor", "Thomas", "Thompson", "Torres",
    "Turner", "Vasquez", "Walker", "Ward", "Washington", "White", "Williams", "Wilson", "Wright", "Young",
)  # fmt: skip
WOMEN = ("Maria", "Linda", "Angela", "Carmen", "Patricia", "Denise", "Yolanda", "Tanya", "Mei", "Sharon")
MEN = ("James", "Robert", "David", "Luis", "Michael", "Anthony", "Darnell", "Wei", "Kenneth", "Jorge")
GUARDIAN_FIRST = WOMEN + MEN
RELATIONSHIPS = Mix((("Mother", 55), ("Father", 22), ("Grandmother", 12), ("Aunt", 5), ("Legal guardian", 6)))
FIRST_NAMES_FOR = {"Father": MEN, "Legal guardian": GUARDIAN_FIRST}
"""First names by relationship (women's names where not listed)."""
GENDERS = Mix((("male", 56), ("female", 41), ("nonbinary", 2), ("", 1)))
RACES = Mix(
    (
        ("Black or African American", 30),
        ("White", 30),
        ("Hispanic or Latino", 24),
        ("Asian", 3),
        ("Two or more races", 5),
        ("American Indian or Alaska Native", 1),
        ("Prefers not to say", 2),
        ("", 5),
    )
)
AGES = Mix(((11, 3), (12, 7), (13, 13), (14, 20), (15, 24), (16, 21), (17, 12)))
"""Age at referral: mostly 14 to 16."""

OFFENSE_SHARES = {
    "Petit larceny / shoplifting": 31,
    "Trespass": 8,
    "Curfew violation": 5,
    "Disorderly conduct": 13,
    "Possession of alcohol by a minor": 9,
    "Criminal mischief / vandalism": 13,
    "Possession of marijuana": 9,
    "Harassment": 7,
    "Simple assault (no injury)": 5,
}
"""Shares of referrals by offense (names of ``reference.defaults.OFFENSES``)."""
SOURCE_SHARES = {
    SourceKind.POLICE: 56,
    SourceKind.SCHOOL: 24,
    SourceKind.PROBATION: 10,
    SourceKind.COURT: 6,
    SourceKind.OTHER: 4,
}
SOURCE_PREFIX = {
    SourceKind.POLICE: "PD",
    SourceKind.SCHOOL: "SD",
    SourceKind.PROBATION: "JP",
    SourceKind.COURT: "FC",
    SourceKind.OTHER: "OT",
}
PLACES = (
    "a department store",
    "the mall",
    "a convenience store",
    "the city park",
    "a school parking lot",
    "the transit center",
    "a neighbor's yard",
    "the school gym",
    "a grocery store",
    "the skate park",
)
NARRATIVES = {
    "theft": "Took items worth about ${amount} from {place} without paying and admitted it when stopped.",
    "trespass": "Entered {place} after hours with friends; no damage was found.",
    "status": "Stopped by an officer near {place} after curfew and brought home.",
    "disorderly conduct": "Argued loudly and refused to leave {place} when asked.",
    "alcohol": "Found with alcohol at {place} with two friends.",
    "vandalism": "Spray-painted a wall at {place}; damage estimated at ${amount}.",
    "drugs": "Found with a small amount of marijuana at {place}.",
    "harassment": "Sent threatening messages to a classmate after an argument at {place}.",
    "assault": "Pushed another youth during an argument at {place}; no one was hurt.",
}
INTAKE_NOTES = (
    "Youth and mother attended; youth admitted the offense and was cooperative.",
    "Father attended by phone. Youth is quiet but engaged; interested in basketball.",
    "Grandmother is the main contact. Youth wants to make things right with the store.",
    "Youth attends school regularly; grades slipped this year.",
    "Family asked for evening hearing dates because of work schedules.",
)
QUESTIONING = (
    "The jury asked about friends, school and what happened that day.",
    "Jurors asked how the family found out and what the youth would do differently.",
    "The jury asked about after-school activities and who the youth spends time with.",
    "Questions focused on the youth's plans for the summer and on making amends.",
)
DELIBERATION = (
    "The jury focused on the peer group and on using free time well.",
    "The jury wanted the sentence to repair the harm to the store and the family.",
    "Jurors agreed the youth showed remorse and built the sentence on their interest in sports.",
    "The jury chose service close to home so the youth could keep up with school.",
)
SANCTION_DESCRIPTIONS = {
    "apology_letter": (
        "To the store manager",
        "To the school principal",
        "To the neighbor",
        "To their parents",
    ),
    "essay": (
        "How my choices affect my family",
        "What I learned from youth court",
        "Peer pressure and how to handle it",
        "The cost of shoplifting to a community",
    ),
    "workshop": (
        "Substance awareness",
        "Anger management",
        "Decision making",
        "Shoplifting prevention (online)",
    ),
    "restitution": ("Paid to the store", "Paid to the property owner"),
    "counseling": ("Family counseling", "Substance use assessment"),
    "tutoring": ("Math tutoring", "Reading tutoring"),
    "mentoring": ("Big Brothers Big Sisters", "Community mentoring program"),
    "curfew": ("Home by 8 pm on school nights",),
    "mediation": ("With the other youth involved",),
}
CONTACT_SUMMARIES = (
    "Checked in on progress and upcoming dates.",
    "Reminded the family of the next hearing date.",
    "Guardian reported the youth is keeping up with service hours.",
    "Discussed school attendance and the essay topic.",
    "Left a message; the family called back the next day.",
)
DECLINE_REASONS = {
    "earlier": "Earlier youth court case on record.",
    "age": "The youth is older than the program's age range.",
    "violent": "The incident involved an injury; referred back for formal processing.",
}
RETURN_REASON = "Family did not respond within 30 days."
CLOSURE_REASONS = {
    "completed": "All sanctions completed.",
    "unsuccessful": "Did not complete the sanctions; returned to the referring agency.",
    "no_show": "Did not attend two hearing dates; returned to the referring agency.",
    "dropped": "Family stopped responding after intake; returned to the referring agency.",
    "withdrawn": ("Family moved out of the county.", "Referral withdrawn by the agency."),
}
EXTENSION_REASONS = (
    "Service site closed for two weeks.",
    "Youth was ill; doctor's note on file.",
    "Family emergency.",
    "Waiting for a workshop place.",
)
EXCUSES = ("Sick", "Family event", "School trip", "Exam the next day")
USER_AGENT = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0 Safari/537.36"
