"""Reading what waits in the learner's outbox (static/js/outbox.js: IndexedDB `smartward-outbox`)."""

WAITING_H5P = """async () => {
  const db = await new Promise((resolve, reject) => {
    const request = indexedDB.open("smartward-outbox");
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(request.error);
  });
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
