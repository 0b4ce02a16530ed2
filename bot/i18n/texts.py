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
# When a date is, seen from today ("Your permit ends {days_to_expiry}, on 3 December 2026")
TODAY = N_("today")
TOMORROW = N_("tomorrow")
YESTERDAY = N_("yesterday")
IN_DAYS = Np_("in {count} day", "in {count} days")
DAYS_AGO = Np_("{count} day ago", "{count} days ago")

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
RED_FLAG = N_("What you wrote sounds serious. You can talk to a counsellor now. If you are in danger, call 112: it is free.")
RED_FLAG_LEGAL = N_("What you wrote sounds serious: a counsellor can help you now. If you are detained, ask for an interpreter and ask that your consulate be told. Do not sign anything you do not understand.")

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

# Telegram: language, privacy, commands
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

# Cases: what the migrant sees
CASE_CONSENT = N_("To talk to a counsellor:\n• A counsellor reads your messages in a private Telegram group. Counsellors do not see your name, username or phone number.\n• Your messages are kept while the case is open and for {days} days after, then erased. /forget erases them at any time.\n\nConnect you with a counsellor?")
CASE_CONSENT_YES = N_("Yes, connect me")
CASE_CONSENT_NO = N_("No, go back")
CASE_ACK = N_("Your case number is {code}. A counsellor usually answers within {wait}. Write your question here: your messages go to the counsellor.")
CASE_ACK_URGENT = N_("Your case number is {code}. It is marked urgent, and a counsellor will answer as soon as possible. If you are in danger now, call 112.")
CASE_OFF_HOURS = N_("Your case number is {code}. Counsellors work {hours} (Kazakhstan time) and will answer when they are back. You can already write your question here.")
CASE_ALREADY_OPEN = N_("Your case {code} is open. Write here: your messages go to the counsellor.")
CASE_CLOSED = N_("Your case {code} is closed. How much did the counsellor help you?")
CASE_REOPENED = N_("Your case {code} is open again. You can write here.")
CASE_THANKS = N_("Thank you for your answer.")
CASE_NOT_CONNECTED = N_("OK. You can come back to a counsellor at any time with the button below.")
FORGET_CASES = N_("Your conversation with the counsellor was closed and erased. Copies younger than 48 hours were deleted from both chats; older copies in the counsellors' group cannot be deleted by the bot, and messages you sent stay in your own chat until you delete them.")
WAIT_HOURS = Np_("{count} hour", "{count} hours")

# Cases: what counsellors see in their group (in COUNSELLOR_LANGUAGE)
CASE_TITLE = N_("{code} · {lang} · {topic} · {status}")
STATUS_OPEN = N_("open")
STATUS_CLAIMED = N_("claimed by {name}")
STATUS_CLOSED = N_("closed")
CASE_SUMMARY = N_("Case {code}{urgent}\nLanguage: {lang}\nTopic: {topic}\nReached: {node} ({category})\nAnswers: {answers}\n\nWrite in this topic: your messages are copied to the person, who does not see your account. Start a message with /note or // to keep it among counsellors.")
CASE_URGENT_MARK = N_(" — URGENT")
# Who is asking (the menu's closed code "asker"), one line of the case summary
CASE_ASKER = N_("Who is asking: {asker}")
ASKER = {"kz": N_("someone working or living in Kazakhstan"),
         "leaving": N_("someone planning to go to work abroad"),
         "returning": N_("someone going home, or back home"),
         "family": N_("a family member of a migrant")}
CASE_URGENT_ANNOUNCE = N_("‼️ Urgent case {code}: {category}. Please take it now.")
CASE_REMINDER = N_("Case {code} is still waiting for a counsellor (opened {minutes} minutes ago).")
CASE_CLAIMED_NOTE = N_("{name} is handling this case.")
CASE_CLOSED_NOTE = N_("Case closed. The person was asked to rate the help.")
CASE_REOPENED_NOTE = N_("Case reopened.")
CASE_RATED_NOTE = N_("The person rated the help: {rating} of 5.")
CASE_UNREACHABLE_NOTE = N_("The person has blocked the bot: messages can no longer reach them.")
CASE_FORGOTTEN_NOTE = N_("The person used /forget: the case is closed and its messages are erased.")
CASE_NOT_SENT_NOTE = N_("This message could not be delivered to the person.")
BUTTON_CLAIM = N_("Take this case")
BUTTON_CLOSE = N_("Close")
BUTTON_REOPEN = N_("Reopen")
BUTTON_CANNED = N_("Ready answers")
BUTTON_HOTLINES = N_("Send help lines")
CANNED_PICK = N_("Choose a ready answer; it is sent in the person's language:")
COUNSELLORS_ONLY = N_("Only members of the counsellors' group can act on cases. Anonymous admins: turn off “Remain anonymous” first.")
COUNSELLOR_HELP = N_("In a case topic: write to reply to the person; /note or // for colleagues only; /claim, /close, /reopen, /canned for ready answers, /hotlines to send the help lines.")

# Statistics (exports and the admin chat; in STATS_LANGUAGE)
COL_FLOW = N_("Topic")
COL_NODE = N_("Where it ended")
COL_LANGUAGE = N_("Language")
COL_CAMPAIGN = N_("Campaign (QR code)")
COL_URGENCY = N_("Urgency")
COL_ASKER = N_("Who is asking")
COL_DAY = N_("Day")
COL_WEEK = N_("Week")
COL_MONTH = N_("Month")
COL_ENQUIRIES = N_("Topics opened")
COL_OUTCOMES = N_("Answers reached")
COL_HANDOFFS = N_("Handed to a counsellor")
COL_DEADLINE = N_("Kind of deadline")
COL_REMINDERS_SET = N_("Reminders set")
COL_REMINDERS_SENT = N_("Reminders sent")
COL_CASES = N_("Cases")
COL_CATEGORY = N_("Case category")
COL_FIRST_RESPONSE = N_("Median minutes to first answer")
COL_RESOLUTION = N_("Median hours to closing")
ALL_VALUES = N_("(all)")
NOTES_TITLE = N_("Notes")
NOTE_PERIOD = N_("Period: {first} to {last}")
NOTE_GENERATED = N_("Generated: {moment}")
NOTE_K = N_("Counts below {k} are shown as <{k}, and other cells are hidden where needed so that a hidden count cannot be worked out from the totals.")
NOTE_UNCOUNTED = N_("People who asked not to be counted opened {count} topics in this period; nothing else is recorded about them.")
NOTE_RECORDED = N_("Recorded: the day, topic, where the conversation ended, language, QR campaign code, urgency, and the answers to closed questions marked for statistics (such as citizenship group). Never recorded: Telegram ids, names, usernames, phone numbers, anything typed, dates or amounts typed by the person.")
STATS_SUMMARY = N_("Last {weeks} weeks: {enquiries} topics opened, {handoffs} handed to a counsellor, {cases} cases; median first answer {response}.")
# Official values of a year not yet in content/reference.yaml ({names}: the keys there, e.g. mrp)
REFERENCE_NEXT_YEAR_MISSING = N_("The official values for {year} ({names}) are not in {file} yet. From 1 January, amounts will use the {latest} values and say so. Add the new values as soon as they are published.")
REFERENCE_YEAR_MISSING = N_("The official values for {year} ({names}) are not in {file} yet, so amounts use the {latest} values and say so. Add the new values as soon as they are published.")
STATS_NO_DATA = N_("No data yet.")
MINUTES = Np_("{count} minute", "{count} minutes")
ADMINS_ONLY = N_("This command is for the bot's administrators.")
STATS_BAD_PERIOD = N_("The period must be two dates written like this: /stats 2026-01-01 2026-03-31. The first "
                      "date must not be after the second, and at most {years} years apart.")
CHART_TITLE = N_("Topics opened per week")
CHART_HANDOFFS = N_("Handed to a counsellor")
CHART_RESPONSE = N_("Median minutes to first answer")

# Counting days of stay for counsellors: /days in the group (in COUNSELLOR_LANGUAGE)
COUNTRY_UZ = N_("Uzbekistan")
COUNTRY_TJ = N_("Tajikistan")
COUNTRY_KG = N_("Kyrgyzstan")
COUNTRY_RU = N_("Russia")
COUNTRY_BY = N_("Belarus")
COUNTRY_AM = N_("Armenia")
COUNTRY_OTHER = N_("Another country, or none")
DAYS_ASK_CITIZENSHIP = N_("Counting days of stay: 90 in any 180, all visits together. Which passport does the person have?\n(All at once: {example}, that is the citizenship, the last entry and any earlier visits.)")
DAYS_ASK_ENTRY = N_("On what date did the person last enter Kazakhstan? For example 20.11.2026")
DAYS_ASK_VISITS = N_("Earlier visits in the last 180 days: send each one as two dates, for example 01.06.2026-15.07.2026, one per message. Then tap “Count”.")
DAYS_VISIT_ADDED = N_("Added {visit}. Send the next visit, or tap “Count”.")
DAYS_COUNT = N_("Count")
DAYS_BAD_DATE = N_("Please write a date like 20.11.2026; it cannot be in the future.")
DAYS_BAD_VISIT = N_("Please write a visit as two dates like 01.06.2026-15.07.2026. It must end before the last entry and not overlap another visit.")
DAYS_BAD_COMMAND = N_("Write it like this: {example} (the citizenship: {codes}; the last entry; earlier visits).")
DAYS_RESULT_USED = N_("In Kazakhstan in the 180 days up to {today}: {days} (the limit is 90).")
DAYS_RESULT_LAST_DAY = N_("Last day to stay without leaving: {date}.")
DAYS_RESULT_OVER = N_("Already over the limit, by {days}.")
DAYS_RESULT_EAEU = N_("EAEU citizen: no 30-day limit per entry; a worker's stay follows the contract.")
DAYS_RESULT_UNREGISTERED = N_("Without registration, the 30 days of this entry end on {date}.")
DAYS_RESULT_FROM = N_("Counted for: {country}; last entry {entry}; earlier visits: {visits}.")
DAYS_RESULT_HOW = N_("The entry day and the exit day both count as full days. The official rule is not confirmed, so this is the safe way to count.")

# Reminders before a deadline
CMD_REMINDERS = N_("Your reminders")
# The 🔔 button under an answer, one per deadline in it
REMIND_ME_STAY_END = N_("🔔 Remind me: stay ends {date}")
REMIND_ME_REGISTRATION = N_("🔔 Remind me: register by {date}")
REMIND_ME_PERMIT_END = N_("🔔 Remind me: permit ends {date}")
REMIND_ME_PERMIT_PAYMENT = N_("🔔 Remind me: pay by {date}")
REMIND_ASK = N_("When should I remind you of {what}, {date}?")
REMIND_PRIVACY = N_("I keep only this date, the kind of deadline, your language and a locked way to write to you.\nAll of it is deleted once the reminder is sent or you cancel it.")
REMIND_CHOICE_7_1 = N_("7 days and 1 day before")
REMIND_CHOICE_1 = N_("1 day before")
REMIND_CHOICE_3 = N_("3 days before")
REMIND_CHOICE_14_7_1 = N_("14, 7 and 1 days before")
REMIND_SET = N_("Done. I will write to you at {time} on: {days}.\n/reminders shows your reminders and cancels them.")
REMIND_TOO_LATE = N_("That is too soon for a reminder: the date is {date}.")
REMIND_GONE = N_("This answer has changed since; open the topic again to set a reminder.")
REMINDERS_NONE = N_("You have no reminders. After an answer with a date, tap 🔔 to set one.")
REMINDERS_LIST = N_("Your reminders:")
REMINDERS_ITEM = N_("• {what}: {date}. I will write on: {days}.")
REMINDERS_CANCEL = N_("✖ Cancel: {date}")
REMINDERS_CANCELLED = N_("Cancelled: {what}, {date}. Nothing about it is kept.")
# {days}: when the date is, from the day the reminder arrives ("tomorrow", "today", "in 7 days").
# The stay reminder goes to EAEU citizens too, who need no work permit: it does not tell to get one.
REMINDER_STAY_END = N_("Reminder: your allowed stay in Kazakhstan ends on {date} ({days}). Leave by then; if you "
                       "need to stay longer, talk to a counsellor first.")
REMINDER_REGISTRATION = N_("Reminder: register your address with the migration police by {date} ({days}).")
REMINDER_PERMIT_END = N_("Reminder: your permit for a labour immigrant ends on {date} ({days}). Extend it before then.")
REMINDER_PERMIT_PAYMENT = N_("Reminder: pay the tax for your permit for the next month by {date} ({days}), "
                             "and then extend the permit.")
REMINDER_TOPIC = N_("Open this topic again")
REMINDER_DONE = N_("Done, stop reminding")
REMINDER_STOPPED = N_("I will not remind you of this date again. Nothing about it is kept.")
# What a deadline is, inside a sentence ("When should I remind you of {what}?")
DEADLINE_STAY_END = N_("the last day of your stay")
DEADLINE_REGISTRATION = N_("the last day to register your address")
DEADLINE_PERMIT_END = N_("the end of your permit")
DEADLINE_PERMIT_PAYMENT = N_("the next monthly payment for your permit")
