"""Integer codes for categorical agent attributes.

Per-agent categorical columns hold these codes (``int8``); the label tuples give
the public names used in tables, breakdowns and scenario files.
"""

from enum import IntEnum


class Industry(IntEnum):
    """Industry of a firm (and of the workers it employs); NBS migrant-worker survey groups."""

    MANUFACTURING = 0
    CONSTRUCTION = 1
    WHOLESALE_RETAIL = 2
    TRANSPORT = 3
    HOSPITALITY = 4  # accommodation and catering
    RESIDENT_SERVICES = 5
    OTHER = 6


class Region(IntEnum):
    """Region of work (firms) or of origin (workers)."""

    EAST = 0
    CENTRAL = 1
    WEST = 2


class Scheme(IntEnum):
    """The five social-insurance schemes of the urban employee system."""

    PENSION = 0
    MEDICAL = 1
    INJURY = 2
    UNEMPLOYMENT = 3
    MATERNITY = 4


class Sex(IntEnum):
    """Sex of a worker."""

    MALE = 0
    FEMALE = 1


class Education(IntEnum):
    """Highest schooling completed (NBS categories)."""

    NONE = 0
    PRIMARY = 1
    JUNIOR_SECONDARY = 2
    SENIOR_SECONDARY = 3
    COLLEGE = 4


def labels(enum: type[IntEnum]) -> tuple[str, ...]:
    """Lower-case public names of an enum's members, in code order."""
    return tuple(member.name.lower() for member in enum)


INDUSTRIES = labels(Industry)
REGIONS = labels(Region)
SCHEMES = labels(Scheme)
SEXES = labels(Sex)
EDUCATIONS = labels(Education)
N_SCHEMES = len(Scheme)

#: Schemes with an employee contribution: a worker may ask to opt out of these for cash.
EMPLOYEE_CONTRIBUTORY = (Scheme.PENSION, Scheme.MEDICAL, Scheme.UNEMPLOYMENT)

#: Age bands used in breakdowns, as (label, lowest age, highest age exclusive), years.
AGE_BANDS = (
    ("16-20", 16, 21),
    ("21-30", 21, 31),
    ("31-40", 31, 41),
    ("41-50", 41, 51),
    ("51+", 51, 200),
)
