"""The sandbox's chat page in a real headless Chromium (Debian's), driven by Playwright.

Playwright's own browser downloads are not reachable here, so it drives the distribution's
Chromium through executable_path; .ci/run installs it. Without one the tests are skipped.
"""

from __future__ import annotations

import base64
import os
import re
import shutil
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import pytest
from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from sandbox.run import Sandbox, running_sandbox

playwright = pytest.importorskip(
    "playwright.async_api", reason="Playwright is not installed: pip install -e '.[test]'"
)
CHROMIUM = os.environ.get("CHROMIUM_PATH") or shutil.which("chromium")
pytestmark = pytest.mark.skipif(
    CHROMIUM is None,
    reason="no Chromium to drive: apt-get install chromium (or set CHROMIUM_PATH)",
)
FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
PHONE = {"width": 390, "height": 844}
expect = playwright.expect
expect.set_options(timeout=15_000)  # a slow CI machine; a working page answers in milliseconds


@pytest.fixture
async def sandbox(tmp_path: Path) -> AsyncIterator[Sandbox]:
    async with running_sandbox({}, tmp_path / "sandbox.sqlite3") as running:
        yield running
    assert running.api.refused == [], "the bot made requests Telegram would refuse"


@asynccontextmanager
async def chat_page(sandbox: Sandbox, **options: Any) -> AsyncIterator[Any]:
    async with playwright.async_playwright() as driver:
        browser = await driver.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        try:
            page = await browser.new_page(**options)
            await page.goto(sandbox.url)
            yield page
        finally:
            await browser.close()


@pytest.fixture
async def page(sandbox: Sandbox) -> AsyncIterator[Any]:
    async with chat_page(sandbox) as opened:
        yield opened


@pytest.fixture
async def phone(sandbox: Sandbox) -> AsyncIterator[Any]:
    """The page as a phone shows it: 390 by 844 CSS pixels."""
    async with chat_page(sandbox, viewport=PHONE) as opened:
        yield opened


async def send(page, text: str) -> None:
    await page.fill("#text", text)
    await page.press("#text", "Enter")


async def test_a_ukrainian_seeker_registers_and_an_arabic_one_reads_right_to_left(page):
    await page.click('[data-persona="seeker-uk"]')
    await send(page, "/start")
    keep_ukrainian = page.locator('[data-callback="lg:uk"]')
    await expect(keep_ukrainian).to_contain_text("Українська")
    await keep_ukrainian.click()
    await page.locator('[data-callback="rl:seeker:uk"]').click()
    consent = page.locator(".msg.bot").last
    await expect(consent).to_contain_text("Caritas")
    await expect(consent.locator("b").last).to_be_visible()  # the bot's HTML, rendered
    await page.locator('[data-callback="cs:yes:seeker:uk"]').click()
    await expect(page.locator('[data-callback="mn:help"]')).to_be_visible()
    await page.click("#menu-button")
    await expect(page.locator(".command-name").first).to_have_text("/start")

    await page.click('[data-persona="seeker-ar"]')
    await expect(page.locator('[data-callback="mn:help"]')).to_have_count(0)  # another chat
    await send(page, "/start")
    greeting = page.locator(".msg.bot .text").last
    await expect(greeting).to_contain_text("مرحب")
    assert await greeting.evaluate("node => getComputedStyle(node).direction") == "rtl"
    await expect(page.locator('[data-callback="lg:ar"]')).to_contain_text("العربية")


async def test_only_telegrams_tags_survive_and_documents_can_be_opened(page, sandbox: Sandbox):
    seeker = 7100001
    await sandbox.app.bot.send_message(
        seeker,
        '<b>bold</b> <a href="javascript:alert(1)">link</a> &lt;img src=x onerror=alert(1)&gt;',
    )
    await sandbox.app.bot.send_document(seeker, b"Name;Stadtteil\r\n", filename="liste.csv")
    await page.click('[data-persona="seeker-uk"]')
    text = page.locator(".msg.bot .text").first
    await expect(text.locator("b")).to_have_text("bold")
    assert await text.locator("a").get_attribute("href") is None
    assert await text.locator("img").count() == 0
    await expect(text).to_contain_text("<img src=x onerror=alert(1)>")
    document = page.locator(".file-name")
    await expect(document).to_have_text("📄 liste.csv")
    async with page.expect_popup() as popup:
        await document.click()
    opened = await popup.value
    await expect(opened.locator("body")).to_contain_text("Name;Stadtteil")


async def test_on_a_phone_the_chat_fills_the_screen_and_the_workshop_form_goes_in_one(phone):
    assert await phone.evaluate("document.documentElement.scrollHeight") <= PHONE["height"]
    await phone.select_option("#persona-select", "staff-caritas")  # the list, as a drop-down
    for part in ("#text", "#send", "#menu-button"):
        box = await phone.locator(part).bounding_box()
        assert box is not None and box["x"] >= 0 and box["y"] >= 0, part
        assert box["x"] + box["width"] <= PHONE["width"], part
        assert box["y"] + box["height"] <= PHONE["height"], part
    await send(phone, "/workshops")
    await phone.locator('[data-callback="os:new:0"]').click()
    form = (await phone.locator(".msg.bot pre").last.text_content()).strip()
    assert form.count("\n") >= 8  # the form is many lines
    await phone.fill("#text", form)
    await phone.press("#text", "Shift+Enter")  # a new line, not sent
    assert await phone.input_value("#text") == form + "\n"
    await phone.press("#text", "Enter")
    await expect(phone.locator(".msg.user .text").last).to_have_text(form)  # one message
    await expect(phone.locator('[data-callback^="os:announce:"]')).to_be_visible()  # the draft
    assert await phone.input_value("#text") == ""
    assert await phone.evaluate("document.documentElement.scrollHeight") <= PHONE["height"]


async def test_an_invitation_link_opens_the_chosen_personas_chat_with_start(phone):
    await phone.select_option("#persona-select", "staff-caritas")
    await send(phone, "/invite")
    await phone.locator('[data-callback^="iv:"]').first.click()
    link = phone.locator(".msg.bot a.deep-link").last
    await expect(link).to_have_attribute("href", re.compile(r"^https://t\.me/.+\?start=inv_"))
    payload = (await link.get_attribute("href")).split("?start=")[1]
    await link.click()
    await phone.locator('#open-as [data-persona="newcomer"]').click()
    assert await phone.input_value("#persona-select") == "newcomer"
    await expect(phone.locator(".msg.user .text").first).to_have_text(f"/start {payload}")
    await expect(phone.locator(".msg.bot .text").last).to_contain_text("Caritas")  # staff now


async def test_a_dismissed_alert_stays_dismissed_when_the_chat_renders_again(
    page, sandbox: Sandbox
):
    seeker = 7100001
    markup = InlineKeyboardMarkup([[InlineKeyboardButton("Old", callback_data="cs:yes")]])
    await sandbox.app.bot.send_message(seeker, "An old button", reply_markup=markup)
    await page.click('[data-persona="seeker-uk"]')
    await page.locator('[data-callback="cs:yes"]').click()  # the bot: "expired", as an alert
    alert = page.locator("#notice.alert")
    await expect(alert).to_be_visible()
    await alert.locator("button").click()
    await expect(alert).to_be_hidden()
    await sandbox.app.bot.send_message(seeker, "Something new")  # the chat renders again
    await expect(page.locator(".msg.bot .text").last).to_have_text("Something new")
    await expect(alert).to_be_hidden()


# One pixel, a real PNG: the browser must be able to show it.
PIXEL = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mNkYAAAAAYAAjCB0C8AAAAASUVORK5CYII="
)


async def test_after_a_restart_the_page_comes_back_with_its_chat_and_photos(tmp_path: Path):
    database = tmp_path / "sandbox.sqlite3"
    async with playwright.async_playwright() as driver:
        browser = await driver.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        try:
            async with running_sandbox({}, database) as first:
                port = int(first.url.rsplit(":", 1)[1])
                page = await browser.new_page()
                await page.goto(f"{first.url}/#seeker-uk")
                await first.app.bot.send_photo(7100001, PIXEL, caption="Kalk")
                await send(page, "/start")
                await expect(page.locator('[data-callback="lg:uk"]')).to_be_visible()
            await expect(page.locator("#status")).to_be_visible()  # offline
            async with running_sandbox({}, database, port=port) as second:
                # The long poll lasts 30 s: a page waiting for it would fail here.
                await expect(page.locator("#status")).to_be_hidden()
                await second.app.bot.send_message(7100001, "After the restart")
                await expect(page.locator(".msg.bot .text").last).to_have_text("After the restart")
                await expect(page.locator(".msg.user .text")).to_have_text(["/start"])
                photo = page.locator(".msg.bot img")
                await expect(photo).to_be_visible()
                assert await photo.evaluate("image => image.naturalWidth") == 1
            assert first.api.refused == second.api.refused == []
        finally:
            await browser.close()
