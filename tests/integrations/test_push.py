"""`syndicator wechat push`, end to end against a local fake of the WeChat API."""

from __future__ import annotations

import io
import random
import re
from datetime import datetime
from pathlib import Path

import pytest
from PIL import Image
from support.sampledata import SHANGHAI
from support.wechat_fake import APP_ID, SECRET, FakeWechat, png

from syndicator import store
from syndicator.cli import cli
from syndicator.errors import InputError
from syndicator.integrations import push
from syndicator.integrations.push import (
    APPID_ENV,
    SECRET_ENV,
    PushError,
    client_from_env,
    push_article,
)
from syndicator.integrations.wechat_api import TokenCache, WechatApiError, WechatClient
from syndicator.model import Block
from syndicator.render.wechat.check import check_html
from syndicator.store import MediaStore, media_url

ENV = {APPID_ENV: APP_ID, SECRET_ENV: SECRET}
NOW = datetime(2021, 9, 1, 12, 0, tzinfo=SHANGHAI)


@pytest.fixture
def wx_config(make_config, tmp_path: Path, fake_wechat: FakeWechat):
    return make_config(
        tmp_path,
        wechat={"api_base": fake_wechat.url, "cache_dir": "wx-cache", "image_hosts": ["127.0.0.1"]},
    )


@pytest.fixture
def with_pictures(articles, fake_wechat: FakeWechat, monkeypatch):
    """A factory: the economy article with ``pictures`` picture(s) served by the fake_wechat.

    Pictures on loopback are let through in these tests only (with
    ``image_hosts = ["127.0.0.1"]``); test_push_images.py tests their refusal.
    """
    monkeypatch.setattr(push, "public_address", lambda address: address.is_loopback)

    def make(pictures: int = 2):
        article = articles[0]
        body = [b for b in article.body if b.type != "image"]
        for n in range(pictures):
            src = fake_wechat.image_url(f"p{n}.png", png(rgb=(n * 40, 22, 27)))
            body.insert(
                1 + n, Block(type="image", src=src, caption=f"第{n + 1}张图。", credit="李东 摄")
            )
        return article.replace(body=tuple(body))

    return make


def _client(config, fake_wechat, clock=None) -> WechatClient:
    client = client_from_env(config, ENV)
    if clock is not None:
        client.clock = clock
    return client


def test_push_uploads_pictures_and_cover_then_creates_the_draft(
    with_pictures, wx_config, fake_wechat
) -> None:
    article = with_pictures()
    result = push_article(article, wx_config, _client(wx_config, fake_wechat))
    assert result.media_id == "DRAFT-1"
    assert (result.uploaded, result.reused) == (3, 0)  # two body pictures and the cover
    assert fake_wechat.calls == [
        "token",
        "media/uploadimg",
        "media/uploadimg",
        "material/add_material",
        "draft/add",
    ]
    (sent,) = fake_wechat.drafts[0]["articles"]
    assert sent["title"] == article.title and sent["author"] == "王敏、李东"
    assert sent["thumb_media_id"] == "MEDIA-1"
    assert (
        fake_wechat.materials["MEDIA-1"] == fake_wechat.images["p0.png"]
    )  # the first picture is the cover
    # Body pictures point at the uploaded copies; the content still passes the checker.
    assert sorted(set(re.findall(r'<img src="([^"]+)"', sent["content"]))) == sorted(
        fake_wechat.uploads
    )
    assert fake_wechat.url not in sent["content"]
    assert check_html(sent["content"]) == []
    raw = fake_wechat.raw_drafts[0].decode("utf-8")
    assert "杭州湾新区" in raw and "\\u" not in raw  # UTF-8, Chinese unescaped


def test_push_again_reuses_token_and_uploads_from_the_cache(
    with_pictures, wx_config, fake_wechat
) -> None:
    article = with_pictures()
    push_article(article, wx_config, _client(wx_config, fake_wechat))
    corrected = article.replace(title="杭州湾新区一批重大项目今日开工")
    result = push_article(corrected, wx_config, _client(wx_config, fake_wechat))
    assert (result.uploaded, result.reused) == (0, 3)
    assert fake_wechat.token_requests == 1  # the second run read the token from the cache file
    assert fake_wechat.calls[-1] == "draft/add" and fake_wechat.calls.count("media/uploadimg") == 2
    token_file = wx_config.root / "wx-cache" / APP_ID / "token.json"
    assert token_file.stat().st_mode & 0o077 == 0  # private


def test_push_renews_a_token_that_expires_mid_run(with_pictures, wx_config, fake_wechat) -> None:
    fake_wechat.expire_tokens_on("material/add_material")
    client = _client(wx_config, fake_wechat)
    result = push_article(with_pictures(), wx_config, client)
    assert result.media_id == "DRAFT-1"
    assert fake_wechat.token_requests == 2 and client.token_fetches == 2
    assert fake_wechat.calls == [
        "token",
        "media/uploadimg",
        "media/uploadimg",
        "material/add_material",  # answered 42001 access_token expired
        "token",
        "material/add_material",
        "draft/add",
    ]
    assert len(fake_wechat.drafts) == 1


def test_push_renews_a_token_past_its_announced_expiry(
    with_pictures, wx_config, fake_wechat
) -> None:
    now = [1_000_000.0]
    push_article(with_pictures(1), wx_config, _client(wx_config, fake_wechat, clock=lambda: now[0]))
    now[0] += 7200 - 200  # inside the renewal margin
    push_article(with_pictures(1), wx_config, _client(wx_config, fake_wechat, clock=lambda: now[0]))
    assert fake_wechat.token_requests == 2
    assert not any(not valid for valid in fake_wechat.tokens.values())  # no error round-trip needed


def test_push_token_refused_twice_stops_with_the_fix(with_pictures, wx_config, fake_wechat) -> None:
    fake_wechat.fail("draft/add", 40001, "invalid credential")
    fake_wechat.fail("draft/add", 40001, "invalid credential")
    with pytest.raises(WechatApiError) as info:
        push_article(with_pictures(1), wx_config, _client(wx_config, fake_wechat))
    assert "check SYNDICATOR_WECHAT_SECRET" in str(info.value)
    assert fake_wechat.token_requests == 2 and not fake_wechat.drafts


@pytest.mark.parametrize(
    ("endpoint", "code", "errmsg", "words"),
    [
        ("token", 40164, "invalid ip 203.0.113.7 ipv6 ::ffff:203.0.113.7, not in whitelist",
         "IP whitelist (40164): add it under 设置与开发 → 基本配置 → IP白名单"),
        ("draft/add", 45166, "invalid content hint: [abc]", "run `syndicator wechat check`"),
        ("draft/add", 45003, "title size out of limit", "title is too long for WeChat (45003)"),
        ("draft/add", 45004, "description size out of limit", "digest is too long"),
        ("draft/add", 45110, "author size out of limit", "author is too long"),
        ("draft/add", 45009, "reach max api daily quota limit", "daily API quota is used up"),
        ("media/uploadimg", 40009, "invalid image size", "jpg/png under 1 MB"),
        ("draft/add", 47001, "data format error", "error 47001: data format error"),
    ],
)  # fmt: skip
def test_push_error_answer_is_one_clear_line(
    with_pictures, runner, fake_wechat, tmp_path, engine, endpoint, code, errmsg, words
) -> None:
    config_file = _config_file(tmp_path, fake_wechat)
    article = with_pictures(1)
    with engine.begin() as conn:
        store.save_articles(conn, [article], now=NOW)
    fake_wechat.fail(endpoint, code, errmsg)
    result = runner.invoke(
        cli, ["--config", str(config_file), "wechat", "push", article.id], env=ENV
    )
    assert result.exit_code == 1, result.output
    assert result.output.count("\n") == 1 and words in result.output, result.output
    assert result.output.startswith(f"Error: wechat {endpoint.removeprefix('cgi-bin/')}:")
    if code == 40164:
        assert "203.0.113.7" in result.output
    assert not fake_wechat.drafts


def _config_file(tmp_path: Path, fake_wechat: FakeWechat, extra: str = "") -> Path:
    path = tmp_path / "config.toml"
    path.write_text(
        f'[store]\nurl = "sqlite:///{tmp_path / "store.db"}"\n'
        f'[output]\ndir = "{tmp_path / "feeds"}"\n'
        f'[wechat]\napi_base = "{fake_wechat.url}"\ncache_dir = "wx-cache"\n'
        f'image_hosts = ["127.0.0.1"]\n{extra}',
        encoding="utf-8",
    )
    return path


def test_cli_push_end_to_end(with_pictures, runner, fake_wechat, tmp_path, engine) -> None:
    article = with_pictures()
    with engine.begin() as conn:
        store.save_articles(conn, [article], now=NOW)
    config_file = _config_file(tmp_path, fake_wechat)
    args = ["--config", str(config_file), "wechat", "push", article.id]
    result = runner.invoke(cli, args, env=ENV)
    assert result.exit_code == 0, result.output
    assert result.output == (
        f"{article.id}: draft created, media_id DRAFT-1 "
        "(3 pictures uploaded, 0 reused from the cache)\n"
    )
    missing = runner.invoke(cli, args, env={APPID_ENV: "", SECRET_ENV: ""})
    assert missing.exit_code == 2
    assert "set SYNDICATOR_WECHAT_APPID and SYNDICATOR_WECHAT_SECRET" in missing.output


def test_cli_push_article_without_picture_needs_a_cover(
    articles, runner, fake_wechat, tmp_path, engine
) -> None:
    article = articles[1]  # text only
    with engine.begin() as conn:
        store.save_articles(conn, [article], now=NOW)
    args = ["wechat", "push", article.id]
    bare = runner.invoke(
        cli, ["--config", str(_config_file(tmp_path, fake_wechat)), *args], env=ENV
    )
    assert bare.exit_code == 2 and "no picture to use as the cover" in bare.output
    assert fake_wechat.calls == []
    (tmp_path / "cover.png").write_bytes(png(8, 8))
    with_cover = _config_file(tmp_path, fake_wechat, 'cover = "cover.png"\n')
    result = runner.invoke(cli, ["--config", str(with_cover), *args], env=ENV)
    assert result.exit_code == 0, result.output
    assert fake_wechat.materials["MEDIA-1"] == png(8, 8)


def test_push_refuses_a_post_that_breaks_a_rule_before_any_call(
    with_pictures, wx_config, fake_wechat
) -> None:
    article = with_pictures().replace(title="长" * 40)
    with pytest.raises(InputError, match="title is 40 characters"):
        push_article(article, wx_config, _client(wx_config, fake_wechat))
    assert fake_wechat.calls == []


@pytest.mark.parametrize(
    ("data", "words"),
    [
        (b"GIF89a" + b"\0" * 20, "jpg or png pictures only"),
        (png() + b"\0" * (1024 * 1024), "at most 1 MB here"),
    ],
)
def test_push_refuses_unusable_pictures_with_the_fix(
    with_pictures, wx_config, fake_wechat, data, words
) -> None:
    article = with_pictures(1)
    fake_wechat.images["p0.png"] = data
    with pytest.raises(InputError, match=words):
        push_article(article, wx_config, _client(wx_config, fake_wechat))
    assert "media/uploadimg" not in fake_wechat.calls


def test_unreachable_api_is_one_clear_error(make_config, tmp_path) -> None:
    config = make_config(tmp_path, wechat={"api_base": "http://127.0.0.1:9"})
    client = WechatClient(config.wechat.api_base, APP_ID, SECRET, timeout=2)
    with pytest.raises(WechatApiError, match=r"wechat token: cannot reach http://127.0.0.1:9"):
        client.access_token()


def test_token_cache_ignores_another_accounts_token(tmp_path) -> None:
    cache = TokenCache(tmp_path / "token.json")
    cache.save("wx-other", "T", 2e9)
    assert cache.load("wx-other") == ("T", 2e9)
    assert cache.load(APP_ID) is None
    (tmp_path / "token.json").write_text("not json", encoding="utf-8")
    assert cache.load("wx-other") is None


def test_push_skips_pictures_without_a_web_address(with_pictures, wx_config, fake_wechat) -> None:
    """As the post does: e-paper pictures keep only their caption."""
    article = with_pictures(1)
    local = Block(type="image", src="file:///etc/hostname", caption="本地图。", credit="某某 摄")
    article = article.replace(body=(*article.body, local))
    result = push_article(article, wx_config, _client(wx_config, fake_wechat))
    assert result.uploaded == 2  # the web picture and the cover
    (sent,) = fake_wechat.drafts[0]["articles"]
    assert "本地图。 某某 摄" in sent["content"] and "file:" not in sent["content"]


def test_push_makes_the_chosen_picture_the_cover(with_pictures, wx_config, fake_wechat) -> None:
    article = with_pictures(3)
    second = article.images[1].src
    article = article.replace(cover=second)
    push_article(article, wx_config, _client(wx_config, fake_wechat))
    (sent,) = fake_wechat.drafts[0]["articles"]
    assert fake_wechat.materials[sent["thumb_media_id"]] == fake_wechat.images["p1.png"]
    assert fake_wechat.calls.count("media/uploadimg") == 3  # every picture is still in the post


def test_push_cover_falls_back_to_the_first_picture_on_the_web(
    with_pictures, wx_config, fake_wechat
) -> None:
    """A chosen cover that is not on the web is not in the post: the first picture is."""
    article = with_pictures(1)
    local = Block(type="image", src="file:///srv/photo.png", caption="本地图。")
    article = article.replace(body=(local, *article.body), cover=local.src)
    push_article(article, wx_config, _client(wx_config, fake_wechat))
    (material,) = fake_wechat.materials.values()
    assert material == fake_wechat.images["p0.png"]


def _never_fetch(src: str) -> bytes:
    raise AssertionError(f"fetched {src} over HTTP")


def test_push_reads_this_site_s_photos_from_the_media_store(
    articles, wx_config, fake_wechat, make_picture
) -> None:
    """Photos uploaded to the desk are read from disk, not fetched from ourselves;
    a WebP, which WeChat refuses, goes up as a JPEG."""
    media = MediaStore(wx_config.media_dir)
    jpeg = media.put(make_picture(900, 600), filename="现场.jpg")
    webp = media.put(make_picture(800, 600, fmt="WEBP", color=(10, 90, 200)), filename="b.webp")
    body = [
        Block("image", src=media_url(wx_config.site.base_url, s.name), caption=f"图{n}。")
        for n, s in enumerate((jpeg, webp), start=1)
    ]
    article = articles[0]
    article = article.replace(
        body=(article.body[0], *body, *(b for b in article.body[1:] if b.type != "image")),
        cover=body[1].src,
    )
    result = push_article(article, wx_config, _client(wx_config, fake_wechat), fetch=_never_fetch)
    assert (result.uploaded, result.reused) == (3, 0)
    uploads = list(fake_wechat.uploads.values())
    assert uploads[0] == media.read(jpeg.name)  # a JPEG under 1 MB goes up as it is
    assert uploads[1].startswith(b"\xff\xd8\xff")  # the WebP as a JPEG
    (cover,) = fake_wechat.materials.values()
    assert cover == uploads[1]  # the chosen cover
    (sent,) = fake_wechat.drafts[0]["articles"]
    assert wx_config.site.base_url not in sent["content"]
    again = push_article(article, wx_config, _client(wx_config, fake_wechat), fetch=_never_fetch)
    assert (again.uploaded, again.reused) == (0, 3)  # the same JPEG bytes again


def test_push_sends_a_large_photo_in_the_body_shrunk_and_whole_as_the_cover(
    articles, wx_config, fake_wechat
) -> None:
    """WeChat takes body pictures under 1 MB and covers under 10 MB: a camera's photo
    of a few MB is made to fit the body, and is the cover as it is."""
    rng = random.Random(3)
    noise = Image.frombytes("RGB", (2400, 1600), rng.randbytes(2400 * 1600 * 3))
    out = io.BytesIO()
    noise.save(out, "JPEG", quality=95)
    assert out.tell() > 1024 * 1024
    media = MediaStore(wx_config.media_dir)
    photo = media.put(out.getvalue(), filename="DSC_0001.JPG")
    src = media_url(wx_config.site.base_url, photo.name)
    article = articles[1].replace(body=(Block("image", src=src), *articles[1].body))
    push_article(article, wx_config, _client(wx_config, fake_wechat), fetch=_never_fetch)
    (body_copy,) = fake_wechat.uploads.values()
    assert len(body_copy) < 1024 * 1024 and body_copy.startswith(b"\xff\xd8\xff")
    assert list(fake_wechat.materials.values()) == [out.getvalue()]


def test_push_of_a_photo_missing_from_the_media_store_names_the_store(
    articles, wx_config, fake_wechat
) -> None:
    src = media_url(wx_config.site.base_url, "0" * 64 + ".jpg")
    article = articles[1].replace(body=(Block("image", src=src), *articles[1].body))
    with pytest.raises(PushError, match=f"cannot read picture {src}: it is not in the media store"):
        push_article(article, wx_config, _client(wx_config, fake_wechat), fetch=_never_fetch)
    assert "media/uploadimg" not in fake_wechat.calls
