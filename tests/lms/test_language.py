from django.conf import settings


def test_pages_are_vietnamese_even_for_an_english_browser(client, catalogue):
    response = client.get(catalogue.url, HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")

    assert response["Content-Language"] == "vi"
    assert '<html lang="vi">' in response.content.decode()
    assert "Tất cả chủ đề" in response.content.decode()


def test_the_language_switch_gives_english(client, catalogue):
    response = client.post("/i18n/setlang/", {"language": "en", "next": catalogue.url}, follow=True)

    assert response.status_code == 200
    assert client.cookies[settings.LANGUAGE_COOKIE_NAME].value == "en"
    assert "All topics" in response.content.decode()


def test_an_unknown_language_cookie_falls_back_to_vietnamese(client, catalogue):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "xx"

    response = client.get(catalogue.url)

    assert response["Content-Language"] == "vi"
