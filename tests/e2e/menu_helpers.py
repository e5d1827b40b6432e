"""The site header on a phone folds its menu behind the "Menu" button (static/js/menu.js)."""


def open_menu(page) -> None:
    """Unfold the header's menu when it is folded (phone width), so that its links can be clicked."""
    toggle = page.locator("#menu-toggle")
    if toggle.is_visible() and toggle.get_attribute("aria-expanded") != "true":
        toggle.click()
