"""Collections in a real browser (issue 13, acceptance 5): a promise, its break, the letters batch.

On the demo ledger (as-of 31/10/2026, the last date in the data), as the administrator of the
demo mode: record a promise to pay for the first client of today's worklist, see it leave the
list, move the as-of date past the promise and its grace days and see it back as a broken promise;
then download the batch of letters and check the ZIP holds one PDF per listed client.
"""

from __future__ import annotations

import io
import re
import time
import zipfile
from pathlib import Path

from browser_support import (
    BY_PATH,
    E2E_MARKS,
    RUN_TIMEOUT_MS,
    assert_no_error,
    click_first_row,
    describe,
    normalise,
    open_screen,
    read_table,
    screenshot,
    wait_idle,
)
from playwright.sync_api import TimeoutError as PlaywrightTimeout

pytestmark = E2E_MARKS

CLIENT, PROFILE, BROKEN = "Client", "Profil payeur", "Promesse non tenue le"
LETTERS = re.compile(r"Courriers des étapes listées \((\d+), ZIP\)")


def set_date(page, key: str, text: str) -> None:
    """Type `text` (JJ/MM/AAAA) into the st.date_input of `key`, as a reader does, and let the app rerun.

    The field is a row of day / month / year segments: typing the digits into the day segment moves
    on to the next segment by itself; leaving the field (Tab) commits the date.
    """
    field = page.locator(f".st-key-{key.replace('.', '-')}")
    day = field.locator('[role="spinbutton"][data-type="day"]')
    day.scroll_into_view_if_needed()
    day.click()
    page.keyboard.type(text.replace("/", ""), delay=30)
    page.keyboard.press("Tab")
    wait_idle(page)
    shown = re.sub(r"\s+", "", field.get_by_role("group").inner_text())
    assert shown == text, (shown, text)


def worklist(page):
    return page.locator(".st-key-collect-worklist")


def listed(page) -> int:
    """How many steps the worklist lists now: the count on the letters button."""
    label = normalise(page.locator(".st-key-collect-letters").inner_text())
    match = LETTERS.search(label)
    assert match, label
    return int(match.group(1))


def listed_becomes(page, expected, timeout_s: float = 60.0) -> int:
    """Wait until the worklist lists `expected(n)`-true many steps (the app reruns after an input)."""
    deadline = time.monotonic() + timeout_s
    while True:
        wait_idle(page)
        n = listed(page)
        if expected(n) or time.monotonic() > deadline:
            return n
        time.sleep(0.2)


def search(page, text: str) -> None:
    """Type `text` into the worklist's client search (code or name) and press Enter."""
    box = page.locator(".st-key-collect-filter-search input")
    box.fill(text)
    box.press("Enter")


def client_of(cell: str) -> str:
    return cell.rsplit("client=", 1)[-1]


def first_row_of(page, client_id: str, timeout_s: float = 30.0) -> dict[str, str]:
    """The worklist's first row once the grid shows `client_id` there (it redraws a moment after a run)."""
    deadline = time.monotonic() + timeout_s
    while True:
        row = read_table(worklist(page), [CLIENT, BROKEN])[0]
        if client_of(row[CLIENT]) == client_id or time.monotonic() > deadline:
            assert client_of(row[CLIENT]) == client_id, (row, describe(page))
            return row
        time.sleep(0.25)


def test_a_promise_leaves_the_worklist_comes_back_broken_and_letters_cover_every_listed_client(
    own_page, artifacts: Path
) -> None:
    page = own_page
    open_screen(page, BY_PATH["collections"], "fr")
    assert_no_error(page)
    before = listed(page)
    first = read_table(worklist(page), [CLIENT, PROFILE])[0]
    client_id = client_of(first[CLIENT])
    assert re.fullmatch(r"C\d+", client_id), client_id

    # Select the first client, choose "Promesse de paiement", date it on the as-of date, for 07/11/2026.
    click_first_row(worklist(page))
    wait_idle(page)
    form = page.locator('[data-testid="stForm"]')
    assert client_id in form.inner_text(), describe(page)
    page.locator(".st-key-collect-record-kind").get_by_text("Promesse de paiement", exact=True).click()
    wait_idle(page)
    set_date(page, "collect.record.date", "31/10/2026")
    set_date(page, "collect.record.promise_date", "07/11/2026")
    page.get_by_role("button", name="Enregistrer la promesse").click()
    done = page.get_by_text("Enregistré pour 1 client(s) : promesse de paiement.")
    try:
        done.wait_for(timeout=RUN_TIMEOUT_MS)
    except PlaywrightTimeout:
        raise AssertionError(f"no confirmation of the promise: {describe(page)}") from None
    wait_idle(page)

    # The client is under a standing promise: off today's list, one step fewer.
    assert listed(page) == before - 1
    search(page, client_id)
    assert listed_becomes(page, lambda n: n == 0) == 0
    search(page, "")
    assert listed_becomes(page, lambda n: n > 0) == before - 1

    # 07/11 + 3 days of grace = 10/11, the last day to pay; unpaid, the promise is broken on 11/11.
    set_date(page, "sidebar.as_of", "11/11/2026")
    search(page, client_id)
    assert listed_becomes(page, lambda n: n == 1) == 1
    row = first_row_of(page, client_id)
    # the grid's accessible copy holds a date column's value (ISO), the canvas draws it as 11/11/2026
    assert row[BROKEN] == "2026-11-11"
    screenshot(page, artifacts / "fr-collections-broken-promise.png")

    # The letters of every listed client, one ZIP: one PDF (and its .eml draft) per client.
    search(page, "")
    count = listed_becomes(page, lambda n: n > 1)
    assert count > 1
    with page.expect_download() as download:
        page.locator(".st-key-collect-letters button").click()
    data = Path(download.value.path()).read_bytes()
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        names = archive.namelist()
        pdfs = [n for n in names if n.endswith(".pdf")]
        assert all(archive.read(n).startswith(b"%PDF") for n in pdfs)
    clients = {n.split("_", 1)[0] for n in pdfs}
    assert len(pdfs) == count and len(clients) == count, (count, sorted(names)[:6])
    assert client_id in clients  # the broken promise's client gets its letter too
    assert len([n for n in names if n.endswith(".eml")]) == count
