"""The site's response cache (YUSUAN_CACHE_MB): least recently used pages leave first once the size is
reached; a page larger than a sixteenth of it is never kept; the size comes from the environment."""

from __future__ import annotations

import asyncio

from yusuan.serve import datasette, security_config


def get(site, path: str):
    return asyncio.run(site.client.get(path))


def pages(n: int) -> list[str]:
    """n different JSON pages, each some 29 KB (100 of the sample's facts)."""
    return [f"/yusuan/facts.json?_size=100&_x={i}" for i in range(n)]


def test_the_size_comes_from_the_environment(monkeypatch):
    monkeypatch.setenv("YUSUAN_CACHE_MB", "1")
    assert security_config()["cache_mb"] == 1
    monkeypatch.setenv("YUSUAN_CACHE_MB", "0")
    assert security_config()["cache_mb"] == 0
    monkeypatch.delenv("YUSUAN_CACHE_MB")
    assert security_config()["cache_mb"] == 64


def test_least_recently_used_pages_are_evicted_at_the_size(built, monkeypatch):
    monkeypatch.setenv("YUSUAN_CACHE_MB", "1")
    site = datasette(built / "yusuan.db")
    first, kept, *others = pages(60)
    sizes = []
    for path in (first, kept):
        response = get(site, path)
        assert response.status_code == 200 and response.headers["x-cache"] == "miss"
        sizes.append(len(response.content))
    assert 20_000 < sizes[0] < 65_536  # small enough to be kept (a sixteenth of 1 MiB)
    assert [get(site, p).headers["x-cache"] for p in (first, kept)] == ["hit", "hit"]
    total = sum(sizes)
    for path in others:
        response = get(site, path)
        assert response.headers["x-cache"] == "miss"
        total += len(response.content)
        get(site, kept)  # kept is used all along: it stays
        if total > 1024 * 1024 + 65_536:
            break
    assert total > 1024 * 1024, "the pages did not fill the cache"
    assert get(site, kept).headers["x-cache"] == "hit"
    assert get(site, first).headers["x-cache"] == "miss"  # the least recently used left first
    assert get(site, first).headers["x-cache"] == "hit"   # and is kept again


def test_a_page_larger_than_a_sixteenth_is_never_kept(built, monkeypatch):
    monkeypatch.setenv("YUSUAN_CACHE_MB", "1")
    site = datasette(built / "yusuan.db")
    big = "/yusuan/paragraphs.json?_size=200"  # some 74 KB
    response = get(site, big)
    assert len(response.content) > 65_536
    assert [get(site, big).headers["x-cache"] for _ in range(2)] == ["miss", "miss"]
    monkeypatch.setenv("YUSUAN_CACHE_MB", "4")
    roomy = datasette(built / "yusuan.db")
    assert [get(roomy, big).headers["x-cache"] for _ in range(2)] == ["miss", "hit"]
