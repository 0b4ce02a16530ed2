"""The bot's own words (everything that is not in a flow), as gettext source strings.

``N_`` only marks a string for extraction; it is translated where it is shown, with the
reader's translator, and placeholders are filled in after the lookup.
"""

from __future__ import annotations


def N_(msgid: str) -> str:
    return msgid


def Np_(singular: str, plural: str) -> tuple[str, str]:
    """Marks a string with plural forms; translated with ``Translator.ngettext``."""
    return singular, plural


# A number of days inside a sentence ("for {days_in} since your last entry")
DAYS = Np_("{count} day", "{count} days")

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

# Free-text search
SUGGEST = N_("Did you mean one of these topics?")
RED_FLAG = N_("What you wrote sounds serious. You can talk to a counsellor now, and these numbers help at any time, for free:")

# Outcome footer
CHECKED_ON = N_("Checked on: {date}")
SOURCES = N_("Sources:")
RULES_CHANGE = N_("This is information, not legal advice. Rules change, so check with a counsellor or the official source.")
CALL = N_("{number}: {text}")

# Handoff in the console demo, where there is no counsellor to reach
CONSOLE_HANDOFF = N_("(Demo: in Telegram this opens a conversation with a counsellor, who answers here without seeing your name.)")
CONSOLE_URGENT = N_("URGENT")
CONSOLE_HELP = N_("Type the number of an answer. Also: b = back, m = menu, r = restart topic, c = counsellor, q = quit.")
CONSOLE_TOPIC = N_("(type t{number} to open this topic)")
CONSOLE_BYE = N_("Goodbye. Take care.")

# The Telegram door: language, privacy, commands
CHOOSE_LANGUAGE = N_("Choose your language:")
PRIVACY_SHORT = N_("Jol answers questions about work and stay in Kazakhstan. It never asks your name or documents.\nYour answers are kept only to continue this chat, and topics are counted without names. /privacy tells more, /forget erases everything.")
CONSENT_YES = N_("OK, continue")
CONSENT_NO_STATS = N_("Continue, do not count me")
PRIVACY_FULL = N_("How Jol treats your data\n\n• Purpose: to give you information, and to connect you with a counsellor only if you ask.\n• What is kept: the step you are at and your button answers, under a code instead of your Telegram account. It is deleted after {days} days without use.\n• Statistics count topics and languages, never who asked. You can choose not to be counted.\n• Counsellors see your messages only after you ask for one, and never your name, username or phone.\n• Telegram itself carries the messages, as in any chat.\n• /forget erases what Jol keeps about you, at any time.")
HELP = N_("How to use Jol\n\nTap the buttons, or type the number of an answer. You can also write dates like 31.12.2026.\n\n/menu: topics\n/language: change language\n/privacy: what is kept about you\n/forget: erase your data\n/start: begin again")
FORGET_ASK = N_("Erase everything Jol keeps about you: your answers, your language and where you are in the chat?")
FORGET_YES = N_("Yes, erase")
FORGET_NO = N_("No, keep")
FORGET_DONE = N_("Done: Jol no longer keeps anything about you. Messages already in this chat stay on your phone; you can delete them in Telegram. Send /start to begin again.")
FORGET_KEPT = N_("Nothing was erased.")
NOT_TEXT = N_("Sorry, I can only read text and buttons. Please tap a button, or use “Talk to a counsellor” to send this to a person.")
TOO_LONG = N_("That message is long, and I can only understand short answers. To explain your situation to a person, tap “Talk to a counsellor”.")
NO_COUNSELLORS = N_("Counsellors are not connected to this bot yet. Please use the numbers above, or the menu.")
CMD_START = N_("Begin again")
CMD_MENU = N_("Topics")
CMD_LANGUAGE = N_("Change language")
CMD_HELP = N_("How to use the bot")
CMD_PRIVACY = N_("What is kept about you")
CMD_FORGET = N_("Erase your data")
