"""The learner's outbox in browser tests (static/js/outbox.js: IndexedDB `smartward-outbox`): what waits in
it, and the quiz pages that fill it."""

import time

from playwright.sync_api import Error as PlaywrightError

WAITING_H5P = """async () => {
  // Opened at whatever version it has; never created here (that would race the outbox's own opening).
  const db = await new Promise((resolve) => {
    const request = indexedDB.open("smartward-outbox");
    request.onupgradeneeded = () => request.transaction.abort();
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => resolve(null);
  });
  if (!db) return [];
  if (!db.objectStoreNames.contains("items")) {
    db.close();
    return [];
  }
  const items = await new Promise((resolve) => {
    const request = db.transaction("items").objectStore("items").getAll();
    request.onsuccess = () => resolve(request.result);
  });
  db.close();
  return items.filter((item) => item.kind === "h5p" && item.state === "pending")
    .sort((a, b) => a.seq - b.seq).map((item) => item.json.statement);
}"""


def waiting_h5p_statements(page) -> list[dict]:
    """The H5P statements waiting to be sent, in order."""
    return page.evaluate(WAITING_H5P)


def form_of(page, question):
    return page.locator(f"form.quiz-question:has(input[name=question][value='{question.pk}'])")


def start_quiz(page, live_server, lesson) -> str:
    page.goto(live_server.url + lesson.url)
    page.get_by_role("button", name="Bắt đầu làm bài").click()
    page.wait_for_selector("form.quiz-question")
    return page.url


def wait_for_server(page, check, *, timeout: float = 10.0, what: str = "the server's state"):
    """Polls `check()` (a look at the database) while the page runs; for what the page sends in the
    background, which no element of the page announces. Fails after `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while not check():
        assert time.monotonic() < deadline, f"{what}: not reached after {timeout} s"
        try:
            page.wait_for_timeout(100)
        except PlaywrightError:  # the page is navigating: the next poll asks again
            time.sleep(0.1)


OUTBOX_ITEMS = """async () => {
  // Opened at whatever version it has; never created here (that would race the outbox's own opening).
  const db = await new Promise((resolve) => {
    const request = indexedDB.open("smartward-outbox");
    request.onupgradeneeded = () => request.transaction.abort();
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => resolve(null);
  });
  if (!db) return [];
  if (!db.objectStoreNames.contains("items")) {
    db.close();
    return [];
  }
  const items = await new Promise((resolve) => {
    const request = db.transaction("items").objectStore("items").getAll();
    request.onsuccess = () => resolve(request.result);
  });
  db.close();
  return items.sort((a, b) => a.seq - b.seq)
    .map((item) => ({ kind: item.kind, state: item.state, fields: item.fields }));
}"""


def outbox_items(page) -> list[dict]:
    """Every item of the outbox's store on this device, in the order made."""
    return page.evaluate(OUTBOX_ITEMS)
