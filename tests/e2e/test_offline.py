"""Nothing leaves the machine (issue 14, scope 12): a full visit requests the app's own host only.

Every page is opened and drawn in both languages, a client file with it, while the tab records the
address of every request the page makes (documents, scripts, fonts, icons, websockets).
"""

from __future__ import annotations

from urllib.parse import urlparse

from browser_support import E2E_MARKS, LANGS, SCREENS, open_screen, pick_first_client, wait_drawn

pytestmark = E2E_MARKS


def test_a_visit_of_every_page_requests_nothing_from_another_host(page) -> None:
    requests: list[str] = []
    page.on("request", lambda request: requests.append(request.url))
    for lang in LANGS:
        for screen in SCREENS:
            open_screen(page, screen, lang)
            if screen.path == "client":
                pick_first_client(page)
            wait_drawn(page)
    own = urlparse(page.url).netloc  # 127.0.0.1:<port> of the test server
    hosts = {urlparse(url).netloc for url in requests if urlparse(url).scheme in ("http", "https", "ws", "wss")}
    # The visit did load things (the page, its scripts, its data), and all of it from the app itself.
    assert len(requests) > 20
    assert hosts == {own}, sorted(hosts - {own})
