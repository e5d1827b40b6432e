"""Links that other apps put on the "My learning" page, so that this app names none of them.

The page is where an official finds everything about their own training, and some of it lives in apps that
depend on `learning` (which must not depend on them back). Each such app registers its links when it is
ready (`AppConfig.ready`); the page shows them in the place each names, in the order the apps are installed.
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.urls import reverse
from django.utils.functional import Promise

# Where on the page a link goes: under the title, or above the completed courses.
TOP = "top"
COMPLETED = "completed"
PLACES = (TOP, COMPLETED)


@dataclass(frozen=True)
class MyLearningLink:
    place: str
    url_name: str
    label: str | Promise  # gettext_lazy: registered before any request chooses a language
    html_id: str

    @property
    def url(self) -> str:
        return reverse(self.url_name)


_links: dict[str, MyLearningLink] = {}


def my_learning_link_register(*, place: str, url_name: str, label: str | Promise, html_id: str) -> None:
    """Show a link on the page. The same `html_id` registered again replaces the link (apps may be readied
    more than once)."""
    if place not in PLACES:
        raise ValueError(f"Unknown place on the My learning page: {place!r}")
    _links[html_id] = MyLearningLink(place=place, url_name=url_name, label=label, html_id=html_id)


def my_learning_links() -> dict[str, list[MyLearningLink]]:
    """The registered links by place: {place: [link, …]} with every place present."""
    by_place: dict[str, list[MyLearningLink]] = {place: [] for place in PLACES}
    for link in _links.values():
        by_place[link.place].append(link)
    return by_place


# Links on each completed course's card (e.g. the document a completion earns). An app registers a provider:
# given the person and the ids of the courses on the page, it answers {course id: CourseLink} in a fixed
# number of queries.


@dataclass(frozen=True)
class CourseLink:
    url: str
    label: str | Promise
    html_class: str


CourseLinkProvider = Callable[..., dict[int, CourseLink]]
_course_link_providers: dict[str, CourseLinkProvider] = {}


def completed_course_link_register(*, key: str, provider: CourseLinkProvider) -> None:
    """`provider(user=…, course_ids=[…])` → {course id: CourseLink}. The same key registered again
    replaces the provider."""
    _course_link_providers[key] = provider


def completed_course_links(*, user, course_ids: Iterable[int]) -> dict[int, list[CourseLink]]:
    ids = list(course_ids)
    found: dict[int, list[CourseLink]] = {pk: [] for pk in ids}
    if not ids:
        return found
    for provider in _course_link_providers.values():
        for course_id, link in provider(user=user, course_ids=ids).items():
            if course_id in found:
                found[course_id].append(link)
    return found
