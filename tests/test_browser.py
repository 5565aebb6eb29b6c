"""The three web views in a real browser (Debian's Chromium driven by Playwright), against
the real servers: widget conversation, keyboard-only use, inert XSS, kiosk reset, counselor
summary, the demand report, and no WCAG 2.1 A or AA violation found by axe-core on each view. Screenshots of each
view go to reports/screenshots/ (copied into docs/ for the README).
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from playwright.sync_api import expect, sync_playwright

from bot import savoirs
from bot.config import ROOT
from bot.text import MESSAGE_MAX_CHARS
from tests.conftest import COUNSELOR_SECRET, cli_search

pytestmark = pytest.mark.browser

CHROMIUM = "/usr/bin/chromium"
AXE = ROOT / "var" / "axe" / "node_modules" / "axe-core" / "axe.min.js"  # make axe
WCAG_21_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
SHOTS = ROOT / "reports" / "screenshots"
ANSWER_TIMEOUT_MS = 60_000


@pytest.fixture(scope="module")
def browser():
    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: install Debian's chromium package (.ci/run does it)")
    SHOTS.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
            ],
        )
        yield browser
        browser.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="fr-FR")
    page = context.new_page()
    dialogs = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    page.dialogs = dialogs
    yield page
    context.close()


def assert_accessible(page, view):
    """axe-core finds no WCAG 2.1 A or AA violation on the page as it is shown now."""
    if not AXE.is_file():
        pytest.fail(f"{AXE} is missing: run `make axe` (make test does it)")
    # Evaluated through the DevTools protocol: the page's script policy stays as it is.
    page.evaluate(AXE.read_text(encoding="utf-8"))
    result = page.evaluate("tags => axe.run(document, {runOnly: {type: 'tag', values: tags}})", WCAG_21_AA)
    assert result["passes"], f"{view}: axe-core checked nothing"
    violations = [
        f"{v['id']} ({v['impact']}): {v['help']} {[node['target'] for node in v['nodes']]}"
        for v in result["violations"]
    ]
    assert not violations, f"{view}: " + "\n".join(violations)


def bot_messages(page):
    return page.locator("#emchat-log .emchat-msg-bot")


def send(page, text):
    """Types a message and presses Enter, then waits for the assistant's answer."""
    before = bot_messages(page).count()
    page.locator("#emchat-input").fill(text)
    page.keyboard.press("Enter")
    expect(bot_messages(page).nth(before)).to_be_visible(timeout=ANSWER_TIMEOUT_MS)
    expect(page.locator(".emchat-typing")).to_be_hidden(timeout=ANSWER_TIMEOUT_MS)


def tab_to(page, element_id, limit=40):
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement && document.activeElement.id") == element_id:
            return
    pytest.fail(f"#{element_id} cannot be reached with the Tab key")


def test_keyboard_only_from_hello_to_session_cards_matching_the_search(page, web, assistant):
    _, _, env = assistant
    page.goto(f"{web}/")
    tab_to(page, "emchat-launcher")
    page.keyboard.press("Enter")
    expect(page.locator("#emchat-panel")).to_be_visible()
    expect(page.locator("#emchat-input")).to_be_focused()
    expect(bot_messages(page).first).to_contain_text("Bonjour", timeout=ANSWER_TIMEOUT_MS)
    for text in [
        "bonjour",
        "je cherche une formation de technicienne de maintenance des batteries",
        "je suis demandeuse d'emploi",
        "j'habite à Hénin-Beaumont",
        "30 km",
        "pas de diplôme",
    ]:
        send(page, text)
    cards = page.locator(".emchat-card")
    expect(cards.first).to_be_visible(timeout=ANSWER_TIMEOUT_MS)
    shown = [cards.nth(i).get_attribute("data-session-id") for i in range(cards.count())]
    expected = [
        s["session_id"] for s in cli_search(env, "--rome", "H2703", "--commune", "Hénin-Beaumont", "--rayon", "30")[:5]
    ]
    assert shown == expected
    expect(page.locator(".emchat-path").first).to_be_visible()
    assert_accessible(page, "/ (the widget with sessions)")
    page.locator(".emchat-card").last.scroll_into_view_if_needed()
    page.screenshot(path=str(SHOTS / "widget.png"))

    page.reload()  # the conversation survives a reload (same sender id)
    expect(page.locator(".emchat-card").first).to_be_attached(timeout=10_000)
    assert page.locator(".emchat-card").count() == len(shown)


def test_markup_typed_by_a_user_is_shown_as_text(page, web):
    page.goto(f"{web}/")
    page.locator("#emchat-launcher").click()
    send(page, "<img src=x onerror=alert(1)>")
    expect(page.locator(".emchat-msg-user").last).to_have_text("<img src=x onerror=alert(1)>")
    assert page.locator("#emchat-log img").count() == 0 and page.dialogs == []


def test_widget_at_phone_width(browser, web):
    context = browser.new_context(viewport={"width": 360, "height": 740}, is_mobile=True, has_touch=True)
    phone = context.new_page()
    phone.goto(f"{web}/")
    phone.locator("#emchat-launcher").click()
    expect(bot_messages(phone).first).to_be_visible(timeout=ANSWER_TIMEOUT_MS)
    panel = phone.locator("#emchat-panel").bounding_box()
    assert panel["width"] <= 360 and panel["x"] >= 0
    phone.screenshot(path=str(SHOTS / "widget-mobile.png"))
    context.close()


def test_kiosk_discovery_without_typing_and_reset(page, web):
    page.goto(f"{web}/kiosque?inactivite=4")
    assert page.locator("#emchat-input").count() == 0, "the kiosk asks nothing to type"
    expect(bot_messages(page).first).to_contain_text("métiers", timeout=ANSWER_TIMEOUT_MS)
    assert_accessible(page, "/kiosque")  # with its buttons, before the inactivity clock runs
    page.locator(".emchat-btn", has_text="Découvrir les métiers").first.click()
    expect(bot_messages(page).nth(1)).to_be_visible(timeout=ANSWER_TIMEOUT_MS)
    page.locator(".emchat-btn", has_text="Pilote de ligne").first.click()
    expect(bot_messages(page).nth(2)).to_contain_text("Comment y arriver", timeout=ANSWER_TIMEOUT_MS)
    page.screenshot(path=str(SHOTS / "kiosque.png"))
    # Nobody touches the kiosk: it starts over on its own, with a fresh greeting only.
    expect(bot_messages(page)).to_have_count(1, timeout=30_000)
    expect(page.locator(".emchat-msg-user")).to_have_count(0)
    page.locator(".emchat-btn", has_text="Découvrir les métiers").first.click()
    expect(bot_messages(page).nth(1)).to_be_visible(timeout=ANSWER_TIMEOUT_MS)
    page.locator("#emchat-reset").click()
    expect(page.locator(".emchat-msg-user")).to_have_count(0)
    expect(bot_messages(page)).to_have_count(1, timeout=ANSWER_TIMEOUT_MS)


def test_counselor_search_and_printable_summary(page, web, assistant):
    _, _, env = assistant
    page.goto(f"{web}/conseiller")
    page.locator("#secret").fill(COUNSELOR_SECRET)
    page.keyboard.press("Enter")
    page.locator("#metier").fill("H2703")
    page.locator("#commune").fill("Hénin-Beaumont")
    page.locator("#rayon").fill("25")
    page.get_by_role("button", name="Chercher").click()
    rows = page.locator("#sessions tbody tr")
    expected = cli_search(env, "--rome", "H2703", "--commune", "Hénin-Beaumont", "--rayon", "25")
    expect(rows).to_have_count(len(expected))
    page.locator("th button[data-cle=distance]").click()
    distances = [r for r in (rows.nth(i).get_attribute("data-distance") for i in range(rows.count())) if r]
    assert [float(d) for d in distances] == sorted(float(d) for d in distances)
    assert expected and distances, "the accessibility check below sees a table of sessions"
    assert_accessible(page, "/conseiller (with sessions)")
    page.screenshot(path=str(SHOTS / "conseiller.png"), full_page=True)
    page.locator("text=Synthèse imprimable").click()
    expect(page.locator("h1")).to_contain_text("Votre projet")
    expect(page.locator("text=Contacter les organismes")).to_be_visible()
    assert_accessible(page, "/conseiller/synthese")
    page.emulate_media(media="print")
    expect(page.locator(".bandeau")).to_be_hidden()
    page.screenshot(path=str(SHOTS / "synthese.png"), full_page=True)
    page.pdf(path=str(SHOTS / "synthese.pdf"), format="A4")


def test_demand_report_opens_offline_with_one_shape_per_epci(page, tmp_path):
    """The HTML report of simulated searches: one file, no network request, a map of the région."""
    env = {**os.environ, "BOT_DATABASE_URL": f"sqlite:///{tmp_path / 'demande.sqlite3'}", "BOT_TODAY": "2026-12-03"}
    for command in (
        ["catalog", "import", str(ROOT / "data/catalog/demo-electromob.lheo.xml")],
        ["demande", "simuler", "--jours", "60"],
        ["demande", "rapport", "--sortie", str(tmp_path / "demande.html")],
    ):
        subprocess.run([sys.executable, "-m", "bot", *command], cwd=ROOT, env=env, check=True, capture_output=True)
    requests = []
    page.on("request", lambda request: requests.append(request.url))
    page.goto((tmp_path / "demande.html").as_uri())
    assert requests == [(tmp_path / "demande.html").as_uri()]  # nothing else is loaded
    assert page.locator("svg.carte path.epci").count() == 92
    expect(page.locator(".simule")).to_contain_text("Données simulées")
    expect(page.locator("h1")).to_have_text("Ce que les habitants demandent à l'assistant Electro'Mob")
    assert_accessible(page, "rapport de la demande")
    page.set_viewport_size({"width": 900, "height": 1300})
    page.screenshot(path=str(SHOTS / "demande.png"))


def last_answer(page) -> str:
    return bot_messages(page).last.inner_text()


def open_widget(page, web):
    page.goto(f"{web}/")
    page.locator("#emchat-launcher").click()
    expect(bot_messages(page).first).to_contain_text("Bonjour", timeout=ANSWER_TIMEOUT_MS)


def test_the_quoted_failures_of_real_conversations_end_well_in_the_widget(browser, web):
    """The messages that broke the assistant before it read every message for the profile
    (long request, correction, out-of-order answer, typed labels, homonyms, career changer,
    pupil), typed into the widget of the demo page, each in a new conversation."""

    def conversation(*texts):
        context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="fr-FR")
        page = context.new_page()
        open_widget(page, web)
        for text in texts:
            send(page, text)
        return page, context

    page, context = conversation(
        "Bonjour, alors voilà, je suis au chômage depuis six mois, j'habite Dunkerque et j'aimerais devenir "
        "pilote de ligne de production de batteries. Je peux me déplacer à 25 km maximum, j'ai le bac. "
        "Vous avez des formations ?"
    )
    answer = page.locator("#emchat-log .emchat-msg-bot").all_inner_texts()[1:]
    assert any("Dunkerque" in text for text in answer), answer  # sessions, or the nearest one
    assert not any("Que souhaitez-vous faire" in text for text in answer)
    context.close()

    page, context = conversation("je cherche une formation de cariste à Lens", "30 km")
    before = bot_messages(page).count()
    send(page, "ah non pardon, je me suis trompé, j'habite à béthune")
    answer = bot_messages(page).all_inner_texts()[before:]
    assert any("Béthune" in text for text in answer) and not any("financ" in text for text in answer), answer
    context.close()

    page, context = conversation("je cherche une formation", "je suis demandeur d'emploi", "j'habite à Liévin")
    assert "Liévin" in last_answer(page) or "Liévin" in bot_messages(page).nth(-2).inner_text()
    assert "ne connais pas ce métier" not in page.locator("#emchat-log").inner_text()
    context.close()

    page, context = conversation("je cherche une formation de cariste", "demandeur d'emploi", "j'habite à Arras")
    send(page, "Peu importe")
    assert "Que souhaitez-vous faire" not in last_answer(page)
    context.close()

    page, context = conversation("cariste à St Omer")
    assert "Pas-de-Calais" in page.locator("#emchat-log").inner_text()
    context.close()

    page, context = conversation("je suis soudeur et je veux changer de métier")
    log = page.locator("#emchat-log").inner_text()
    assert "soudeur" in log.lower() and "statut" not in log.lower()
    context.close()

    page, context = conversation("je suis en 3ème et je voudrais être pilote de ligne")
    assert " tu " in f" {page.locator('#emchat-log').inner_text()} ".replace("\n", " ") or "ton" in last_answer(page)
    context.close()


def test_the_widget_cuts_a_long_message_at_the_servers_limit_without_splitting_a_character(page, web):
    page.goto(f"{web}/")
    page.locator("#emchat-launcher").click()
    page.locator("#emchat-input").fill("a" + "🔋" * MESSAGE_MAX_CHARS)  # 4,001 UTF-16 units
    kept = page.evaluate("document.querySelector('#emchat-input').value")
    assert kept == "a" + "🔋" * (MESSAGE_MAX_CHARS - 1), "2,000 characters, every emoji whole"


def test_a_question_after_the_session_cards_is_answered_for_those_sessions(page, web, assistant):
    _, _, env = assistant
    page.goto(f"{web}/")
    page.locator("#emchat-launcher").click()
    expect(bot_messages(page).first).to_contain_text("Bonjour", timeout=ANSWER_TIMEOUT_MS)
    send(page, "DE bac Lens N1101 30km")
    cards = page.locator(".emchat-card")
    expect(cards.first).to_be_visible(timeout=ANSWER_TIMEOUT_MS)
    shown = cli_search(env, "--rome", "N1101", "--insee", "62498", "--rayon", "30")[:5]
    send(page, "ça dure combien de temps ?")
    answer = bot_messages(page).last
    expect(answer).to_contain_text("Voici ce que les organismes ont publié")
    for session in shown:
        expect(answer).to_contain_text(f"{session['intitule']} ({session['organisme']}")
    send(page, "c'est ouvert aux femmes ?")
    expect(bot_messages(page).last).to_contain_text(savoirs.answer("femmes"))
    assert_accessible(page, "/ (a question of the knowledge base after the sessions)")


def test_criteria_said_in_the_widget_restrict_the_cards_and_are_dropped_again(page, web, assistant):
    _, _, env = assistant
    page.goto(f"{web}/")
    page.locator("#emchat-launcher").click()
    expect(bot_messages(page).first).to_contain_text("Bonjour", timeout=ANSWER_TIMEOUT_MS)

    def cards_after(text):
        before = page.locator(".emchat-card").count()
        send(page, text)
        new = page.locator(".emchat-card")
        expect(new.nth(before)).to_be_attached(timeout=ANSWER_TIMEOUT_MS)
        return [new.nth(i).get_attribute("data-session-id") for i in range(before, new.count())]

    where = ["--rome", "N1101", "--commune", "Lens", "--rayon", "30"]
    shown = cards_after("je cherche une formation de cariste à Lens en alternance à partir de septembre")
    expected = cli_search(env, *where, "--alternance", "--debut-apres", "2027-09-01")
    assert expected and shown == [s["session_id"] for s in expected[:5]]
    assert all(s["alternance"] and s["debut"] >= "2027-09-01" for s in expected)
    log = page.locator("#emchat-log")
    expect(log).to_contain_text("à partir du 1er septembre 2027, en alternance")
    assert_accessible(page, "/ (the widget with criteria)")
    page.screenshot(path=str(SHOTS / "widget-criteres.png"))
    # The button offered to drop the date, typed by hand: the same sessions without it.
    shown = cards_after("peu importe la date")
    wider = cli_search(env, *where, "--alternance")
    assert len(wider) > len(expected) and shown == [s["session_id"] for s in wider[:5]]
