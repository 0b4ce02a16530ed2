"""The bot's own words (everything that is not in a flow), as gettext source strings.

``N_`` only marks a string for extraction; it is translated where it is shown, with the
reader's translator, and placeholders are filled in after the lookup.
"""

from __future__ import annotations


def N_(msgid: str) -> str:
    return msgid


# Navigation, shown on every screen
BACK = N_("« Back")
MENU = N_("Menu")
COUNSELLOR = N_("Talk to a counsellor")
RESTART = N_("Start this topic again")

# Answers to the conversation itself
NOT_UNDERSTOOD = N_("Sorry, I did not understand. Please tap one of the buttons, or type its number.")
NOT_UNDERSTOOD_END = N_("This topic ends here. Use the buttons below: go back, open the menu or talk to a counsellor.")
NOTHING_TO_GO_BACK = N_("This is the first step, there is nothing to go back to.")
STALE_BUTTON = N_("That button belongs to an older message. Here is where we are now:")
FLOW_CHANGED = N_("This topic was updated since your last visit, so we start it again from the beginning.")
REFERENCE_OUTDATED = N_("Amounts use the official values of {year}; the new values may differ.")
DATE_HINT = N_("(day.month.year, for example 31.12.2026)")

# Outcome footer
CHECKED_ON = N_("Checked on: {date}")
SOURCES = N_("Sources:")
RULES_CHANGE = N_("This is information, not legal advice. Rules change, so check with a counsellor or the official source.")
CALL = N_("{number}: {text}")

# Handoff in the console demo, where there is no counsellor to reach
CONSOLE_HANDOFF = N_("(Demo: in Telegram this opens a conversation with a counsellor, who answers here without seeing your name.)")
CONSOLE_URGENT = N_("URGENT")
CONSOLE_HELP = N_("Type the number of an answer. Also: b = back, m = menu, r = restart topic, c = counsellor, q = quit.")
CONSOLE_BYE = N_("Goodbye. Take care.")
