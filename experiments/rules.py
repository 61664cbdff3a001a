"""Limits of the domain's fields (SPEC "What is tracked"), shared by forms, API and services."""

from decimal import Decimal

TITLE_MIN, TITLE_MAX = 3, 200
SUMMARY_MAX = 2_000
NEED_MAX = 5_000
REASON_MAX = 5_000
MESSAGE_MAX = 5_000  # a message in a proposal's conversation
LINE_MAX = 200  # one-line texts such as a pilot's city unit
BUDGET_MIN, BUDGET_MAX = Decimal("0"), Decimal("10000000")
# A programme's budget for one year: Numeric(12, 2) holds ten digits of euros, and a city's
# programme stays far below this.
ANNUAL_BUDGET_MAX = Decimal("1000000000")
AMOUNT_MIN = Decimal("0.01")  # money spent or allocated: at least a cent
DURATION_MIN, DURATION_MAX = 1, 24
PILOT_MAX_MONTHS = 24
SCORE_MIN, SCORE_MAX = 1, 5
# Reviews a proposal should have before the screening decision (the queue counts towards it).
REVIEWS_NEEDED = 2
# Reviewers per proposal when a whole call is assigned at once.
REVIEWERS_PER_PROPOSAL_MAX = 10
# A call's weight of a review criterion in its score, and the minimum mean score it may set.
WEIGHT_MIN, WEIGHT_MAX = 0, 10
# Words searched for in a list (the pages' and the API's q).
SEARCH_MAX = 200
# Text compared with the public experiments (a proposal's title and need as it is written).
SIMILAR_TEXT_MAX = 2_000
# Proposals moved at once from the screening queue: at most a page of it.
BULK_MAX = 100
RISK_MIN, RISK_MAX = 1, 4
PASSWORD_MIN = 12
PASSWORD_MAX = 200  # hashing a longer one would only cost time
NAME_MAX = 200  # an organisation's name, a risk's owner
BUSINESS_ID_TYPED_MAX = 20  # a business ID as a person types it, spaces and all
DESCRIPTION_MAX = 500  # an expense's description
PROGRAMME_TEXT_MAX = 5_000  # a programme's or a call's description
# A programme's first and last year.
PROGRAMME_YEAR_MIN, PROGRAMME_YEAR_MAX = 2000, 2100
GOAL_TEXT_MAX = 500  # a scorecard goal, in each language
UNIT_MAX = 40  # the unit of a goal's figures
FIGURE_MAX = Decimal("999999999999.99")  # a goal's target or a follow-up's value
NOTE_MAX = 500  # a participation record's note
LINK_MAX = 500  # a web address
FEEDBACK_MAX = 5_000  # accessibility feedback's message
COMMENT_MAX = 2_000  # a resident's comment on an experiment
USEFULNESS_MIN, USEFULNESS_MAX = 1, 5  # how useful a resident found an experiment
COUNT_MAX = 1_000_000  # people in one participation record
USERS_MAX = 10_000_000  # an experiment's users, as its evaluation counts them
# A proposal's lists of codes: a code may come twice (it counts once), but no one sends more.
CENTRES_ITEMS_MAX = 20
SDGS_ITEMS_MAX = 40

# Database integers are 32-bit (PostgreSQL's integer): no id, count or year is larger.
INTEGER_MAX = 2**31 - 1
MAX_ID = INTEGER_MAX
# However long a listing, its pages stop here: the offset stays one SQL can take.
MAX_PAGE = 1_000_000
# The years a programme's data may fall in (dates given, filters by year).
YEAR_MIN, YEAR_MAX = 1900, 2199
# Files added to a proposal: each, and all the files a proposal keeps together.
ATTACHMENT_MAX_BYTES = 10 * 1024 * 1024
PROPOSAL_ATTACHMENTS_MAX_BYTES = 50 * 1024 * 1024
FILENAME_MAX = 200
MILESTONE_TEXT_MAX = 2_000  # a milestone's description, published on the experiment's page
REPORT_TEXT_MAX = 5_000  # a pilot report's summary, its problems, a reviewer's comment
# Months between a pilot team's reports; a pilot planned for at most SHORT_PILOT_MONTHS
# reports monthly by default, a longer one every two months.
REPORT_INTERVAL_MIN, REPORT_INTERVAL_MAX = 1, 12
SHORT_PILOT_MONTHS = 6
REMIND_DAYS_BEFORE = 7  # the team's reminder this many days before a report is due
