"""bench/exam.py --profile: the server side of starting, answering and submitting, profiled with cProfile in
each gunicorn worker. A middleware (added by bench/exam_settings.py when BENCH_PROFILE_DIR is set) profiles
those requests only, adds them up per kind and per worker, and writes `<kind>-<pid>.prof` there every few
requests (a killed or stopped worker loses at most the last few). `report()` merges the files of a kind.
cProfile slows the profiled requests: the figures of a profiled run are not the bench's figures."""

import cProfile
import io
import os
import pstats
from pathlib import Path

KINDS = {"/bat-dau/": "start", "/tra-loi/": "answer", "/nop-bai/": "submit"}
DUMP_EVERY = 20


class ProfileMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response
        self.folder = Path(os.environ["BENCH_PROFILE_DIR"])
        self.profiles: dict[str, cProfile.Profile] = {}
        self.counts: dict[str, int] = {}

    def __call__(self, request):
        kind = next((name for suffix, name in KINDS.items() if request.path.endswith(suffix)), None)
        if kind is None or request.method != "POST":
            return self.get_response(request)
        profile = self.profiles.setdefault(kind, cProfile.Profile())
        profile.enable()
        try:
            return self.get_response(request)
        finally:
            profile.disable()
            self.counts[kind] = self.counts.get(kind, 0) + 1
            if self.counts[kind] % DUMP_EVERY == 0:
                profile.dump_stats(self.folder / f"{kind}-{os.getpid()}.prof")


def report(folder: Path, kind: str, *, top: int = 25) -> str:
    files = sorted(folder.glob(f"{kind}-*.prof"))
    if not files:
        return f"{kind}: no profile\n"
    stats = pstats.Stats(str(files[0]), stream=(out := io.StringIO()))
    for extra in files[1:]:
        stats.add(str(extra))
    out.write(f"==== {kind}: {stats.total_calls} calls; by own time\n")
    stats.sort_stats("tottime").print_stats(top)
    out.write(f"==== {kind}: by cumulative time\n")
    stats.sort_stats("cumulative").print_stats(top)
    return out.getvalue()
