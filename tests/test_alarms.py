"""Emergencies typed in free text (content brief, section 0), in every language and script.

Each language has a table of everyday phrasings that must raise an alarm (inflected forms,
colloquial words, typos, Russian typed in Latin letters, the wrong keyboard layout), and a table
of ordinary questions that must not. A child is an alarm only with a sign of trouble; see the
comment in content/search.yaml.
"""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from bot.config import Settings
from bot.conversation.runtime import Runtime, open_runtime
from bot.engine.alarms import AlarmMatcher, load_alarms, parse_pattern
from bot.engine.clock import Clock
from bot.engine.events import CounsellorRequested, RedFlag, Suggestions
from bot.engine.inputs import Jump, Nav, Text
from bot.engine.normalize import fold
from bot.engine.registry import Registry

from .conftest import FIXED_TODAY, ROOT

TRIGGER: dict[str, list[tuple[str, str]]] = {
    "ru": [
        ("меня задержала полиция", "detained"), ("Мужа задержали вчера на рынке", "detained"),
        ("я задержан", "detained"), ("брата арестовали", "detained"), ("менты забрали на стройке", "detained"),
        ("сижу в изоляторе", "detained"), ("задиржали меня", "detained"), ("мужа менты повязали", "detained"),
        ("меня загребли в обезьянник", "detained"),
        ("меня депортируют", "deported"), ("грозит депортация", "deported"), ("выдворение через суд", "deported"),
        ("хотят выгнать из страны", "deported"), ("меня департируют", "deported"),
        ("хотят выслать на родину", "deported"),
        ("у меня запрет на въезд", "entry_ban"), ("запретили въезд на 5 лет", "entry_ban"),
        ("не пускают через границу", "entry_ban"), ("я в черном списке", "entry_ban"),
        ("вызвали в суд", "court"), ("пришла повестка", "court"), ("завтра суд", "court"),
        ("ребенок пропал", "child"), ("сына избили", "child"), ("дочка заболела, а денег нет", "child"),
        ("работает несовершеннолетний", "child"),
        ("я беременна", "pregnant"), ("жена беременная, а хозяин выгоняет", "pregnant"), ("биременная", "pregnant"),
        ("сломал руку на стройке", "injured"), ("получил травму", "injured"), ("упал с лесов", "injured"),
        ("несчастный случай на работе", "injured"),
    ],
    "translit": [
        ("menya zaderzhali", "detained"), ("menya zaderjali politsiya", "detained"),
        ("menya deportiruyut", "deported"), ("vydvoryayut iz strany", "deported"),
        ("zapret na vyezd v kazahstan", "entry_ban"), ("vyzvali v sud", "court"),
        ("ya beremenna", "pregnant"), ("rebenok propal", "child"), ("poluchil travmu", "injured"),
    ],
    "layout": [
        ("vtyz pflth;fkb", "detained"), ("vtyz ltgjhnbhe.n", "deported"), ("z ,thtvtyyf", "pregnant"),
    ],
    "uz": [
        ("meni politsiya ushlab ketdi", "detained"), ("akamni hibsga olishdi", "detained"),
        ("qo'lga olishdi", "detained"), ("qamoqqa tushdim", "detained"), ("ushlashdi meni", "detained"),
        ("meni deport qilishyapti", "deported"), ("deportatsiya qilishadi", "deported"),
        ("mamlakatdan chiqarib yuborishmoqchi", "deported"),
        ("kirish taqiqi qo'yildi", "entry_ban"), ("qora ro'yxatga tushibman", "entry_ban"),
        ("sudga chaqirishdi", "court"), ("ertaga sud", "court"),
        ("bolam kasal bo'lib qoldi", "child"), ("o'g'lim yo'qolib qoldi", "child"),
        ("homiladorman", "pregnant"), ("xotinim homilador", "pregnant"),
        ("ishda jarohat oldim", "injured"), ("qo'lim singan", "injured"), ("tez yordam kerak", "injured"),
    ],
    "uz_Cyrl": [
        ("мени полиция ушлаб кетди", "detained"), ("ҳибсга олишди", "detained"),
        ("депорт қилишяпти", "deported"), ("кириш тақиқи бор", "entry_ban"), ("судга чақиришди", "court"),
        ("болам касал", "child"), ("ҳомиладорман", "pregnant"), ("жароҳат олдим", "injured"),
    ],
    "tg": [
        ("маро милиса дастгир кард", "detained"), ("бародарамро боздошт карданд", "detained"),
        ("полис маро бурданд", "detained"),
        ("маро депорт мекунанд", "deported"), ("ихроҷ мекунанд", "deported"), ("аз кишвар бароранд", "deported"),
        ("манъи вуруд доранд", "entry_ban"), ("ба ман вуруд мамнӯъ аст", "entry_ban"),
        ("маро ба суд даъват карданд", "court"), ("додгоҳ", "court"),
        ("кӯдакам бемор аст", "child"), ("писарам гум шуд", "child"),
        ("ман ҳомиладорам", "pregnant"), ("дар кор захмӣ шудам", "injured"), ("дастам шикаст", "injured"),
    ],
    "ky": [
        ("мени полиция кармап кетти", "detained"), ("кармалдым", "detained"), ("агамды камакка алышты", "detained"),
        ("мени депортация кылышат", "deported"), ("өлкөдөн чыгарып жиберишет", "deported"),
        ("кирүүгө тыюу салынды", "entry_ban"), ("кара тизмеге кирдим", "entry_ban"),
        ("сотко чакырышты", "court"),
        ("балам жоголуп кетти", "child"), ("кызым ооруп калды", "child"),
        ("кош бойлуумун", "pregnant"), ("жумушта жаракат алдым", "injured"), ("колум сынды", "injured"),
    ],
    "kk": [
        ("мені полиция ұстап алды", "detained"), ("ұсталдым", "detained"), ("күйеуімді қамауға алды", "detained"),
        ("мені депортациялайды", "deported"), ("елден шығарып жібереді", "deported"),
        ("кіруге тыйым салынды", "entry_ban"), ("қара тізімге іліктім", "entry_ban"),
        ("сотқа шақырды", "court"), ("ертең сот", "court"),
        ("балам жоғалып кетті", "child"), ("қызым ауырып жатыр", "child"),
        ("жүктімін", "pregnant"), ("жұмыста жарақат алдым", "injured"), ("қолым сынды", "injured"),
    ],
    "en": [
        ("the police detained me", "detained"), ("cops picked me up", "detained"),
        ("my husband was arrested", "detained"), ("i am in jail", "detained"),
        ("they are deporting me", "deported"), ("i got an expulsion order", "deported"),
        ("i have an entry ban", "entry_ban"), ("refused entry at the border", "entry_ban"),
        ("i have to go to court", "court"), ("i got a summons", "court"),
        ("my child is missing", "child"), ("my son is sick", "child"),
        ("i am pregnant", "pregnant"), ("i was injured at work", "injured"), ("i broke my arm on the site", "injured"),
    ],
}

ORDINARY: dict[str, list[str]] = {
    "ru": ["сколько стоит патент", "как зарегистрировать рождение ребенка", "как отправить деньги детям",
           "задержали зарплату на месяц", "зарплату задерживают", "можно ли взять ребенка с собой",
           "где получить ИИН", "как продлить регистрацию", "телефон сломался", "где искать работу",
           "иди суда", "сотни людей в очереди", "выслать деньги домой", "выслать деньги на родину",
           "арест на карту", "баланс на телефоне", "закрыли магазин"],
    "translit": ["skolko stoit patent", "kak poluchit iin", "zaderzhali zarplatu"],
    "uz": ["patent qancha turadi", "bolamga pul jo'natmoqchiman", "ro'yxatdan qanday o'taman",
           "maoshni ushlab qolishyapti", "ishdan chiqarib yuborishdi", "ruxsatnoma olish uchun nima kerak"],
    "uz_Cyrl": ["патент қанча туради", "болаларимга пул юбормоқчиман", "рўйхатдан қандай ўтаман"],
    "tg": ["иҷозатномаи корӣ чанд пул аст", "ба фарзандонам пул фиристодан мехоҳам",
           "ман ба Қазоқистон вуруд шудам", "бақайдгирӣ чӣ тавр"],
    "ky": ["уруксат кагаз канча турат", "балдарыма акча жөнөтөм", "каттоодон кантип өтөм",
           "иштен чыгарып жиберишти"],
    "kk": ["жұмысқа рұқсат қалай алуға болады", "балаларыма ақша жіберу", "тіркеу қалай жасалады",
           "жалақымды кешіктіріп жатыр"],
    "en": ["how much is a work permit", "how do i register my child's birth", "send money to my kids",
           "my salary is delayed", "how do i get an IIN", "where is the embassy"],
}


@pytest.fixture(scope="module")
def matcher() -> AlarmMatcher:
    data = yaml.safe_load((ROOT / "content" / "search.yaml").read_text(encoding="utf-8"))
    return AlarmMatcher(load_alarms(data["alarms"], data["alarm_words"]))


@pytest.mark.parametrize("lang", sorted(TRIGGER))
def test_emergencies_are_recognised_in_every_language(matcher: AlarmMatcher, lang: str) -> None:
    wrong = []
    for phrase, expected in TRIGGER[lang]:
        found = matcher.match(phrase)
        if found is None or found.name != expected:
            wrong.append(f"{phrase!r}: expected {expected}, got {found.name if found else None}")
    assert not wrong, "\n".join(wrong)


@pytest.mark.parametrize("lang", sorted(ORDINARY))
def test_ordinary_questions_raise_no_alarm(matcher: AlarmMatcher, lang: str) -> None:
    raised = [f"{p!r}: {a.name}" for p in ORDINARY[lang] if (a := matcher.match(p)) is not None]
    assert not raised, "\n".join(raised)


def test_every_category_of_the_brief_is_covered_in_every_language() -> None:
    brief = {"detained", "deported", "child", "pregnant", "injured", "entry_ban", "court"}
    for lang in ("ru", "uz", "uz_Cyrl", "tg", "ky", "kk", "en"):
        assert {name for _, name in TRIGGER[lang]} == brief, lang


def test_legal_trouble_and_danger_are_told_apart(matcher: AlarmMatcher) -> None:
    assert matcher.match("меня задержали").about == "legal"  # type: ignore[union-attr]
    assert matcher.match("сломал руку").about == "danger"  # type: ignore[union-attr]


@pytest.mark.parametrize(("pattern", "text", "hit"), [
    ("сот", "сотқа", True), ("сот", "сотрудник", False),  # a short stem takes only short endings
    ("суд=", "суда", False), ("суд=", "суд", True),  # '=' asks for the whole word
    ("задержали", "задиржали", True),  # one typo in a long stem
    ("задерж !зарплат", "задержали зарплату", False),  # '!' forbids a word
    ("ребен пропал", "пропал мой ребенок", True),  # any order ...
    ("ребен пропал", "ребенок " + "и " * 8 + "пропал", False),  # ... but close together
])
def test_pattern_syntax(pattern: str, text: str, hit: bool) -> None:
    assert parse_pattern(pattern).matches(fold(text).split()) is hit


@pytest.fixture
async def runtime(tmp_path: Path) -> Runtime:
    opened = await open_runtime(Settings(database_url=f"sqlite+aiosqlite:///{tmp_path}/a.sqlite", data_dir=tmp_path,
                                      _env_file=None), Clock.fixed(FIXED_TODAY))  # type: ignore[call-arg]
    yield opened  # type: ignore[misc]
    await opened.close()


@pytest.mark.parametrize(("typed", "lang", "about"), [
    ("меня задержала полиция", "ru", "legal"), ("меня депортируют", "ru", "legal"),
    ("meni politsiya ushlab ketdi", "uz", "legal"), ("ман ҳомиладорам", "tg", "danger"),
])
async def test_an_emergency_typed_at_any_step_brings_help_lines_and_a_counsellor(
        runtime: Runtime, typed: str, lang: str, about: str) -> None:
    await runtime.conversations.start("k", lang)
    for inp in (Jump("stay"), Text("3")):
        reply = await runtime.conversations.handle("k", inp, lang)
    reply = await runtime.conversations.handle("k", Text(typed), lang)
    flag = reply.events[0]
    assert isinstance(flag, RedFlag) and flag.about == about
    screen = runtime.presenter.screens([flag], runtime.catalogs.get(lang))[0]
    assert screen.urgent and "112" in screen.text
    assert [b.action for b in screen.options] == [Nav("counsellor_urgent")]
    assert reply.state.node == "document"  # the conversation stays where it was


async def test_an_emergency_offers_its_own_topic_first_or_none(runtime: Runtime) -> None:
    await runtime.conversations.start("k", "ru")
    reply = await runtime.conversations.handle("k", Text("меня задержала полиция"), "ru")
    suggested = next(e for e in reply.events if isinstance(e, Suggestions))
    assert suggested.flows[0] == "detention"
    reply = await runtime.conversations.handle("k", Text("я беременна"), "ru")
    assert isinstance(reply.events[0], RedFlag)
    assert not any(isinstance(e, Suggestions) for e in reply.events)  # no unrelated topics, only help


async def test_the_counsellor_an_emergency_offers_sees_an_urgent_case(runtime: Runtime) -> None:
    await runtime.conversations.start("k", "ru")
    reply = await runtime.conversations.handle("k", Text("меня задержала полиция"), "ru")
    button = runtime.presenter.screens(reply.events, runtime.catalogs.get("ru"))[0].options[0]
    reply = await runtime.conversations.handle("k", button.action, "ru")
    asked = next(e for e in reply.events if isinstance(e, CounsellorRequested))
    assert asked.urgent
    # A court date is serious but not a matter of minutes: an ordinary request (brief D.4).
    reply = await runtime.conversations.handle("k", Text("меня вызвали в суд"), "ru")
    flag = next(e for e in reply.events if isinstance(e, RedFlag))
    assert not flag.urgent
    assert [b.action for b in runtime.presenter.screens([flag], runtime.catalogs.get("ru"))[0].options] == \
        [Nav("counsellor")]


def test_every_alarm_topic_is_a_topic(registry: Registry) -> None:
    data = yaml.safe_load((ROOT / "content" / "search.yaml").read_text(encoding="utf-8"))
    for alarm in load_alarms(data["alarms"], data["alarm_words"]):
        assert alarm.topic is None or alarm.topic in registry.flows, alarm.name


def test_the_urgent_counsellor_button_survives_the_telegram_callback_data() -> None:
    from bot.telegram.callbacks import Go, engine_button

    packed = engine_button(Nav("counsellor_urgent"), 7).pack()
    assert len(packed.encode()) <= 64  # Telegram's limit for callback data
    assert Go.unpack(packed).to_input() == Nav("counsellor_urgent", 7)
