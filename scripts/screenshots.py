"""The README's screenshots, taken on the demo catalog (never the test catalog), in Debian's
Chromium: the widget with a criterion applied, the phone, the counselor page and its printable
summary, the kiosk. Written to docs/screenshots/.

    python scripts/screenshots.py      # make screenshots
"""

from __future__ import annotations

import secrets
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from playwright.sync_api import expect, sync_playwright

from bot.config import ROOT
from scripts.benchlib import DEMO_TODAY, import_demo_catalog
from serve.servers import Servers, free_port

CHROMIUM = "/usr/bin/chromium"
OUT = ROOT / "docs" / "screenshots"
TIMEOUT_MS = 60_000
# A search of the demo catalog that has sessions with a start-date criterion.
REQUEST = (
    "Bonjour, je suis demandeuse d'emploi à Lens, je cherche une formation de pilote de ligne à partir de septembre"
)
COUNSELOR = {"metier": "H2705", "commune": "Lens", "rayon": "30", "du": "2027-09-01", "modalite": "presentiel"}


def send(page, text: str) -> None:
    before = page.locator("#emchat-log .emchat-msg-bot").count()
    page.locator("#emchat-input").fill(text)
    page.keyboard.press("Enter")
    expect(page.locator("#emchat-log .emchat-msg-bot").nth(before)).to_be_visible(timeout=TIMEOUT_MS)
    expect(page.locator(".emchat-typing")).to_be_hidden(timeout=TIMEOUT_MS)


def widget(browser, web: str, viewport: dict, name: str) -> None:
    context = browser.new_context(viewport=viewport, locale="fr-FR")
    page = context.new_page()
    page.goto(f"{web}/")
    page.locator("#emchat-launcher").click()
    expect(page.locator("#emchat-log .emchat-msg-bot").first).to_contain_text("Bonjour", timeout=TIMEOUT_MS)
    send(page, REQUEST)
    expect(page.locator(".emchat-card").first).to_be_visible(timeout=TIMEOUT_MS)
    page.locator(".emchat-card").first.scroll_into_view_if_needed()
    page.screenshot(path=str(OUT / name))
    context.close()


def main() -> int:
    secret = secrets.token_hex(8)
    OUT.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        web_port = free_port()
        env = {
            "BOT_DATABASE_URL": f"sqlite:///{folder / 'catalog.sqlite3'}",
            "BOT_TODAY": DEMO_TODAY,
            "BOT_CONSEILLER_SECRET": secret,
            "BOT_ALLOWED_ORIGINS": f"http://127.0.0.1:{web_port},http://localhost:{web_port}",
        }
        import_demo_catalog(env)
        servers = Servers(
            rasa_port=free_port(), actions_port=free_port(), web_port=web_port, env=env, log_dir=folder / "logs"
        ).start()
        web = f"http://127.0.0.1:{web_port}"
        try:
            with sync_playwright() as playwright:
                browser = playwright.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
                widget(browser, web, {"width": 1280, "height": 900}, "widget.png")
                widget(browser, web, {"width": 390, "height": 844}, "widget-mobile.png")
                context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="fr-FR")
                page = context.new_page()
                page.goto(f"{web}/conseiller")
                page.locator("#secret").fill(secret)
                page.locator("form button[type=submit]").click()
                query = "&".join(f"{k}={v}" for k, v in COUNSELOR.items())
                page.goto(f"{web}/conseiller?{query}")
                expect(page.locator("table").first).to_be_visible(timeout=TIMEOUT_MS)
                page.screenshot(path=str(OUT / "conseiller.png"), full_page=True)
                page.goto(f"{web}/conseiller/synthese?{query}")
                page.screenshot(path=str(OUT / "synthese.png"), full_page=True)
                page.goto(f"{web}/kiosque")
                page.locator(".emchat-btn").first.click()
                expect(page.locator("#emchat-log .emchat-msg-bot").nth(1)).to_be_visible(timeout=TIMEOUT_MS)
                page.screenshot(path=str(OUT / "kiosque.png"))
                context.close()
                browser.close()
        finally:
            servers.stop()
    print(f"captures écrites dans {OUT}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
