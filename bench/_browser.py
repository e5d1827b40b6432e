"""Chromium through Playwright for page-weight measurements: bytes on the wire counted from the DevTools
protocol's Network events, and network emulation (latency, throughput).

Frames are kept in the page's process (no site isolation) so that one CDP session on the page sees the
requests of every frame, the sandboxed H5P player's included; the bytes and the caching are the same.
Used by bench/weight.py and by the browser tests that assert the weight goals (tests/e2e).
"""

import os
import shutil
import time
from dataclasses import dataclass, field
from pathlib import Path

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    # One process for all of a page's frames: the page's CDP session then sees every frame's requests.
    "--disable-site-isolation-trials",
    "--disable-features=IsolateOrigins,site-per-process,IsolateSandboxedIframes",
]


def chromium_path() -> str | None:
    for candidate in (os.environ.get("CHROMIUM_PATH"), "/usr/bin/chromium", shutil.which("chromium")):
        if candidate and Path(candidate).exists():
            return candidate
    return None


def launch(playwright):
    return playwright.chromium.launch(executable_path=chromium_path(), args=CHROMIUM_ARGS)


@dataclass
class Transfer:
    """What one page view took from the network: {url: bytes} (headers and encoded body, as CDP counts
    them; 0 for a response from the browser's cache), and the address of the page itself."""

    document: str = ""
    sizes: dict[str, int] = field(default_factory=dict)
    cached: list[str] = field(default_factory=list)
    encodings: dict[str, str] = field(default_factory=dict)  # {url: Content-Encoding} of network responses

    @property
    def total(self) -> int:
        return sum(self.sizes.values())

    @property
    def beyond_document(self) -> int:
        return self.total - self.sizes.get(self.document, 0)

    def kb(self, value: int) -> float:
        return round(value / 1024, 1)


class NetworkMeter:
    """Counts the bytes each request transfers, from CDP's Network.loadingFinished/loadingFailed."""

    def __init__(self, page):
        self.page = page
        self.session = page.context.new_cdp_session(page)
        self.session.send("Network.enable")
        self.urls: dict[str, str] = {}
        self.current = Transfer()
        self.session.on("Network.requestWillBeSent", self._sent)
        self.session.on("Network.requestServedFromCache", self._from_cache)
        self.session.on("Network.responseReceived", self._response)
        self.session.on("Network.loadingFinished", self._finished)
        self.session.on("Network.loadingFailed", self._finished)

    def emulate(self, *, kbit_per_s: float, latency_ms: float) -> None:
        throughput = kbit_per_s * 1000 / 8
        self.session.send(
            "Network.emulateNetworkConditions",
            {
                "offline": False,
                "latency": latency_ms,
                "downloadThroughput": throughput,
                "uploadThroughput": throughput,
            },
        )

    def clear_cache(self) -> None:
        """Empty the browser's HTTP cache (for a first visit after pages that filled it)."""
        self.session.send("Network.clearBrowserCache")

    def _response(self, event) -> None:
        response = event["response"]
        if response.get("fromDiskCache") or response.get("fromServiceWorker"):
            return
        headers = {name.lower(): value for name, value in response.get("headers", {}).items()}
        self.current.encodings[response["url"]] = headers.get("content-encoding", "identity")

    def _sent(self, event) -> None:
        self.urls[event["requestId"]] = event["request"]["url"]

    def _from_cache(self, event) -> None:
        url = self.urls.get(event["requestId"])
        if url:
            self.current.cached.append(url)

    def _finished(self, event) -> None:
        url = self.urls.get(event["requestId"], event["requestId"])
        size = int(event.get("encodedDataLength") or 0)
        self.current.sizes[url] = self.current.sizes.get(url, 0) + size

    def visit(self, url: str, *, ready, settle_ms: int = 500) -> tuple[Transfer, float]:
        """Open `url`, wait until `ready(page)` returns, then for the network to go quiet; the transfer and
        the seconds from the start of the navigation to ready."""
        self.current = Transfer(document=url)
        start = time.perf_counter()
        self.page.goto(url, wait_until="commit")
        ready(self.page)
        seconds = time.perf_counter() - start
        self.page.wait_for_load_state("networkidle")
        self.page.wait_for_timeout(settle_ms)
        return self.current, seconds
