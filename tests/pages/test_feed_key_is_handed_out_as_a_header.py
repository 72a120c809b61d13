"""«تنظیمات» hands out a new feed key in the header form (`Authorization: Bearer`),
never inside an address, which access logs and proxies keep."""

from __future__ import annotations

from collections.abc import Callable

from streamlit.testing.v1 import AppTest

from tests.pages.conftest import messages, press, sign_in


def test_a_new_feed_key_is_shown_as_a_header_and_addresses_without_it(
    seeded_url: str, make_app: Callable[[str], AppTest]
) -> None:
    at = sign_in(make_app(seeded_url).run(), "admin", then="pages/settings.py")
    assert not at.exception
    at.text_input(key="feed_name").input("ابزار HXL دفتر هماهنگی")
    press(at, "ساخت کلید", form="new_feed").run()
    assert not at.exception
    shown = [c.value for c in at.code]
    headers = [line for line in shown if line.startswith("Authorization: Bearer ")]
    assert len(headers) == 1 and len(headers[0]) > len("Authorization: Bearer ") + 20
    token = headers[0].removeprefix("Authorization: Bearer ")
    addresses = [line for line in shown if line.startswith("/api/feeds/")]
    assert sorted(addresses) == [
        "/api/feeds/capacity.csv",
        "/api/feeds/coverage.csv",
        "/api/feeds/deliveries.csv",
        "/api/feeds/gaps.csv",
        "/api/feeds/indicators.csv",
    ]
    assert not any("token=" in line or token in line for line in addresses), shown
    assert any("Authorization" in m for m in messages(at.success))
