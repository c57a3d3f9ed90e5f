"""What the appliance refuses on a form, in words the panel translates (issue 16).

The appliance's refusals are English sentences, the API's and the CLI's words
(``appliance.intake``, ``appliance.outbox``, ``appliance.numbers``, ``appliance.accounts``,
``appliance.webhooks``, ``appliance.campaigning``). ``web.reasons`` says each again in the
reader's language by its shape, as it does the daemon's reasons; values named ``why`` are
themselves translated in turn. A sentence none of these knows is shown as it came.
"""

from __future__ import annotations

from appliance.status import N_

OPTED_OUT = (
    r"no message may be sent to it \(only the person can opt in again, by texting the join "
    r"keyword\)"
)
REFUSALS: tuple[tuple[str, str], ...] = (
    # the compose form (appliance.intake, appliance.outbox, appliance.numbers)
    (r"enter at least one number", N_("enter at least one number")),
    (r"choose when to send it", N_("choose when to send it")),
    (
        r"(?P<n>\d+) numbers: at most (?P<max>\d+) at once \(use a campaign for more\)",
        N_("%(n)s numbers: at most %(max)s at once (use a campaign for more)"),
    ),
    (
        r"cannot send to (?P<numbers>.*); nothing was queued",
        N_("cannot send to %(numbers)s; nothing was queued"),
    ),
    (r"cannot send to (?P<number>'.*'): (?P<why>.*)", N_("cannot send to %(number)s: %(why)s")),
    (r"a '\+' may only stand at the start", N_("a '+' may only stand at the start")),
    (
        r"it contains letters; an SMS goes to digits only",
        N_("it contains letters; an SMS goes to digits only"),
    ),
    (
        r"it contains (?P<char>.*), which is not part of a number",
        N_("it contains %(char)s, which is not part of a number"),
    ),
    (r"it is empty", N_("it is empty")),
    (r"it has no digits", N_("it has no digits")),
    (
        r"it is too long \(at most (?P<n>\d+) digits\)",
        N_("it is too long (at most %(n)s digits)"),
    ),
    (
        r"the country code after '\+' does not exist",
        N_("the country code after '+' does not exist"),
    ),
    (r"it is not a phone number", N_("it is not a phone number")),
    (r"it is too short", N_("it is too short")),
    (r"it is too long", N_("it is too long")),
    (
        r"it is too short for a number of (?P<where>.*): is the area code missing\?",
        N_("it is too short for a number of %(where)s: is the area code missing?"),
    ),
    (
        r"it is too short for a number of (?P<where>.*)",
        N_("it is too short for a number of %(where)s"),
    ),
    (
        r"it is too long for a number of (?P<where>.*)",
        N_("it is too long for a number of %(where)s"),
    ),
    (
        r"it does not have the length of a number of (?P<where>.*) \(a digit missing\?\)",
        N_("it does not have the length of a number of %(where)s (a digit missing?)"),
    ),
    (
        r"it does not have the length of a number of (?P<where>.*)",
        N_("it does not have the length of a number of %(where)s"),
    ),
    (r"is empty", N_("is empty")),
    (r"is blank \(only spaces or line breaks\)", N_("is blank (only spaces or line breaks)")),
    (r"(?P<text>'.*') is in the past", N_("%(text)s is in the past")),
    (r"(?P<text>'.*') is too far in the future", N_("%(text)s is too far in the future")),
    # who may send where, and how much (appliance.outbox, appliance.store.destinations)
    (r"(?P<number>'.*') is a short code, often a paid service; to write to it, list it in "
     r"\[security\] short_codes \(e\.g\. short_codes = \[\"(?P<code>\w+)\"\]\)",
     N_('%(number)s is a short code, often a paid service; to write to it, list it in '
        '[security] short_codes (e.g. short_codes = ["%(code)s"])')),
    (r"(?P<number>'.*') is a premium-rate number; to write to such numbers, set \[security\] "
     r"premium_rate = true",
     N_("%(number)s is a premium-rate number; to write to such numbers, set [security] "
        "premium_rate = true")),
    (r"(?P<why>.*); an admin can allow it: (?P<command>.*)",
     N_("%(why)s; an admin can allow it: %(command)s")),
    (r"(?P<why>.*); an admin can raise it: (?P<command>.*)",
     N_("%(why)s; an admin can raise it: %(command)s")),
    (r"(?P<number>\S+) is a number of (?P<country>.+?), not allowed for (?P<who>.+?) "
     r"\(allowed: (?P<countries>.*)\)",
     N_("%(number)s is a number of %(country)s, not allowed for %(who)s (allowed: "
        "%(countries)s)")),
    (r"the daily quota of (?P<who>.+?) is (?P<limit>\d+) messages a day and (?P<done>\d+) were "
     r"queued today: (?P<more>\d+) more would pass it; it starts again at midnight "
     r"\((?P<zone>[^)]*)\)",
     N_("the daily quota of %(who)s is %(limit)s messages a day and %(done)s were queued "
        "today: %(more)s more would pass it; it starts again at midnight (%(zone)s)")),
    (r"the daily quota of (?P<who>.+?) is (?P<limit>\d+) parts a day and (?P<done>\d+) were "
     r"queued today: (?P<more>\d+) more would pass it; it starts again at midnight "
     r"\((?P<zone>[^)]*)\)",
     N_("the daily quota of %(who)s is %(limit)s parts a day and %(done)s were queued "
        "today: %(more)s more would pass it; it starts again at midnight (%(zone)s)")),
    (r"no modem (?P<imei>\S+) was ever seen here; smsrelay status lists them",
     N_("no modem %(imei)s was ever seen here; smsrelay status lists them")),
    # the rules of consent (appliance.store.admission)
    (r"(?P<number>\S+) is not an opted-in contact: a (?P<kind>\w+) message goes only to "
     r"contacts who agreed to receive them \(import them with their consent, or let them text "
     r"the join keyword\)",
     N_("%(number)s is not an opted-in contact: a %(kind)s message goes only to contacts who "
        "agreed to receive them (import them with their consent, or let them text the join "
        "keyword)")),
    (r"(?P<number>\S+) opted out on (?P<day>[\d-]+) \((?P<how>.*)\): " + OPTED_OUT,
     N_("%(number)s opted out on %(day)s (%(how)s): no message may be sent to it (only the "
        "person can opt in again, by texting the join keyword)")),
    (r"(?P<number>\S+) opted out on (?P<day>[\d-]+): " + OPTED_OUT,
     N_("%(number)s opted out on %(day)s: no message may be sent to it (only the person can "
        "opt in again, by texting the join keyword)")),
    (r"(?P<number>\S+) opted out \((?P<how>.*)\): " + OPTED_OUT,
     N_("%(number)s opted out (%(how)s): no message may be sent to it (only the person can "
        "opt in again, by texting the join keyword)")),
    (r"(?P<number>\S+) opted out: " + OPTED_OUT,
     N_("%(number)s opted out: no message may be sent to it (only the person can opt in "
        "again, by texting the join keyword)")),
    # a campaign's moves and form (appliance.campaigning.operations, .results, .events_import)
    (r"campaign (?P<name>'.*') is (?P<status>\w+), not running",
     N_("campaign %(name)s is %(status)s, not running")),
    (r"campaign (?P<name>'.*') is (?P<status>\w+), not paused",
     N_("campaign %(name)s is %(status)s, not paused")),
    (r"campaign (?P<name>'.*') is (?P<status>\w+) already",
     N_("campaign %(name)s is %(status)s already")),
    (r"campaign (?P<name>'.*') is (?P<status>\w+)", N_("campaign %(name)s is %(status)s")),
    (r"campaign (?P<name>'.*') runs from its events file: `smsrelay events import`",
     N_("campaign %(name)s runs from its events file: `smsrelay events import`")),
    (r"campaign (?P<name>'.*') has not started: edit its text",
     N_("campaign %(name)s has not started: edit its text")),
    (r"(?P<name>'.*') is not an events campaign", N_("%(name)s is not an events campaign")),
    (r"code (?P<code>\S+) was redeemed already, at (?P<when>[\d-]+ [\d:]+) UTC",
     N_("code %(code)s was redeemed already, at %(when)s UTC")),
    (r"(?P<text>'.*') is not HH:MM-HH:MM \(18:00-20:00\)",
     N_("%(text)s is not HH:MM-HH:MM (18:00-20:00)")),
    (r"(?P<text>'.*') ends before it starts", N_("%(text)s ends before it starts")),
    (r"(?P<n>-?\d+) is not between (?P<min>\d+) and (?P<max>\d+)",
     N_("%(n)s is not between %(min)s and %(max)s")),
    (r"it is longer than (?P<n>\d+) characters", N_("it is longer than %(n)s characters")),
    (r"(?P<kind>'.*') is not campaign or reminder", N_("%(kind)s is not campaign or reminder")),
    (r"(?P<tag>'.*') is empty once spaces and accents are folded",
     N_("%(tag)s is empty once spaces and accents are folded")),
    (r"(?P<field>'.*') is not NAME=VALUE", N_("%(field)s is not NAME=VALUE")),
    (r"(?P<text>'.*') is more than ten years away", N_("%(text)s is more than ten years away")),
    (r"give at least one word", N_("give at least one word")),
    (r"an automatic reply must fit in one SMS", N_("an automatic reply must fit in one SMS")),
    (r"it takes (?P<parts>\d+) parts for (?P<number>\S+)",
     N_("it takes %(parts)s parts for %(number)s")),
    # appliance.campaigning's lookups
    (r"no code '(?P<code>.*)'", N_("no code '%(code)s'")),
    (r"no campaign named '(?P<name>.*)'", N_("no campaign named '%(name)s'")),
    # the admin's forms (appliance.accounts, appliance.store.accounts)
    (r"a user name is 1 to 64 characters without spaces",
     N_("a user name is 1 to 64 characters without spaces")),
    (r"the password must have at least (?P<n>\d+) characters",
     N_("the password must have at least %(n)s characters")),
    (r"the password must not be only spaces", N_("the password must not be only spaces")),
    (r"a token name is 1 to 64 characters", N_("a token name is 1 to 64 characters")),
    (r"there is already a user named (?P<name>'.*')", N_("there is already a user named %(name)s")),
    (r"(?P<name>\S+) is the last admin: make another user admin before this one becomes a "
     r"volunteer",
     N_("%(name)s is the last admin: make another user admin before this one becomes a "
        "volunteer")),
    (r"you cannot delete the account you are logged in with: another admin can, or `smsrelay "
     r"user delete` on the appliance",
     N_("you cannot delete the account you are logged in with: another admin can, or "
        "`smsrelay user delete` on the appliance")),
    (r"(?P<name>\S+) is the last admin and cannot be deleted",
     N_("%(name)s is the last admin and cannot be deleted")),
    # the webhooks' form (appliance.webhooks.validation)
    (r"give the URL that will receive the events", N_("give the URL that will receive the events")),
    (r"the URL is longer than (?P<n>\d+) characters",
     N_("the URL is longer than %(n)s characters")),
    (r"only http:// and https:// URLs can receive webhooks",
     N_("only http:// and https:// URLs can receive webhooks")),
    (r"the URL has no host name", N_("the URL has no host name")),
    (r"choose at least one event", N_("choose at least one event")),
    (r"the secret has control characters", N_("the secret has control characters")),
    (r"a secret is (?P<min>\d+) to (?P<max>\d+) characters \(or leave it empty\)",
     N_("a secret is %(min)s to %(max)s characters (or leave it empty)")),
)  # fmt: skip
