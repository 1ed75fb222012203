from __future__ import annotations

import pytest
from link_support import clusters_of, features

from vigil.link.config import LinkConfig
from vigil.link.features import email_key, handle_key, identifier_keys, image_key, phone_key, url_key


@pytest.mark.parametrize(
    ("value", "key"),
    [
        ("+48501234000", "phone:+48501234000"),
        ("+380671234567", "phone:+380671234567"),
        (" +44 7700 900123 ", "phone:+447700900123"),
        ("0048501234000", None),  # not E.164: extraction normalises, linking does not guess
        ("+123", None),
        ("", None),
        (None, None),
        (48501234000, None),
    ],
)
def test_phone_key(value: object, key: str | None) -> None:
    assert phone_key(value) == key


@pytest.mark.parametrize(
    ("value", "key"),
    [
        ("Anna.12@Mailbox.Example", "email:anna.12@mailbox.example"),
        ("олена@пошта.укр", "email:олена@пошта.укр"),
        ("no-at-sign.example", None),
        ("a@b", None),
        ("a@@b.example", None),
    ],
)
def test_email_key(value: str, key: str | None) -> None:
    assert email_key(value) == key


@pytest.mark.parametrize(
    ("value", "key"),
    [
        ("telegram:Italia_Robota", "handle:telegram:italia_robota"),
        ("telegram:@italia_robota", "handle:telegram:italia_robota"),
        ("@anna_555", "handle:any:anna_555"),
        ("whatsapp:", None),
        ("", None),
    ],
)
def test_handle_key(value: str, key: str | None) -> None:
    assert handle_key(value) == key


@pytest.mark.parametrize(
    ("value", "key"),
    [
        ("https://www.Anna-Site.example/profile/", "url:anna-site.example/profile"),
        ("http://anna-site.example/profile?utm=1#top", "url:anna-site.example/profile"),
        ("anna-site.example", "domain:anna-site.example"),
        ("https://t.me/anna_555", "url:t.me/anna_555"),
        ("localhost", None),
        ("", None),
    ],
)
def test_url_key(value: str, key: str | None) -> None:
    assert url_key(value) == key


def test_image_key_and_identifier_keys_deduplicate() -> None:
    assert image_key(" PHASH:ABCD ") == "image:phash:abcd"
    assert image_key("") is None
    keys = identifier_keys(
        {"phones": ["+48501234000", "+48501234000"], "emails": "a@b.example", "handles": [], "urls": None},
        images=["phash:ff00"],
    )
    assert keys == ("email:a@b.example", "image:phash:ff00", "phone:+48501234000")


def _ad(i: int, **entities: object) -> object:
    # unique words per ad, so only identifiers can link them
    text = " ".join(f"w{i}x{j}" for j in range(6)).replace("0", "o").replace("1", "l")
    return features(f"ad-{i:04d}", text, **entities)


def test_shared_phone_links_and_unshared_do_not() -> None:
    docs = [
        _ad(1, phones=["+48501234000"]),
        _ad(2, phones=["+48501234000"], emails=["x@y.example"]),
        _ad(3, emails=["x@y.example"]),
        _ad(4, phones=["+48501234999"]),
    ]
    clusters = clusters_of(docs)  # type: ignore[arg-type]
    assert clusters["ad-0001"] is not None
    assert clusters["ad-0001"] == clusters["ad-0002"] == clusters["ad-0003"]
    assert clusters["ad-0004"] is None


def test_shared_image_hash_links() -> None:
    docs = [_ad(1, images=["phash:00ff00ff"]), _ad(2, images=["PHASH:00FF00FF"]), _ad(3, images=["phash:1234"])]
    clusters = clusters_of(docs)  # type: ignore[arg-type]
    assert clusters["ad-0001"] == clusters["ad-0002"] is not None
    assert clusters["ad-0003"] is None


def test_hotline_shared_by_a_thousand_ads_links_nothing() -> None:
    """A platform support line printed on 1,000 unrelated ads must not glue them together."""
    support = "+447700900123"
    docs = [_ad(i, phones=[support]) for i in range(1000)]
    # two ads of one controller also carry the support line
    docs.append(_ad(2000, phones=[support, "+48501234000"]))
    docs.append(_ad(2001, phones=[support, "+48501234000"]))
    clusters = clusters_of(docs)  # type: ignore[arg-type]
    assert sum(c is not None for c in clusters.values()) == 2
    assert clusters["ad-2000"] == clusters["ad-2001"] is not None


@pytest.mark.parametrize(("limit", "linked"), [(2, 0), (3, 3), (200, 3)])
def test_identifier_limit_is_configurable(limit: int, linked: int) -> None:
    docs = [_ad(i, phones=["+48501234000"]) for i in range(3)]
    clusters = clusters_of(docs, LinkConfig(max_identifier_docs=limit))  # type: ignore[arg-type]
    assert sum(c is not None for c in clusters.values()) == linked


def test_identifier_link_weight_is_specificity() -> None:
    from vigil.link.core import KIND_IDENTIFIER, link_documents

    docs = [_ad(i, phones=["+48501234000"]) for i in range(4)] + [_ad(9, emails=["a@b.example"]), _ad(10, emails=["a@b.example"])]
    result = link_documents(docs)  # type: ignore[arg-type]
    weights = {key: float(score) for key, score, kind in zip(result.edges.keys, result.edges.score, result.edges.kind, strict=True) if kind == KIND_IDENTIFIER}
    assert weights == {"phone:+48501234000": pytest.approx(0.25), "email:a@b.example": pytest.approx(0.5)}
