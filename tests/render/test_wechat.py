"""The WeChat rendering and its draft/add object, on the sample page and by rule."""

from __future__ import annotations

import json
import re

import pytest
from lxml import html as lxml_html

from syndicator.config.themes import BUILTIN_THEMES
from syndicator.model import SENTENCE_ENDS, Author, Block
from syndicator.render.wechat.check import check_html, parse_style
from syndicator.render.wechat.html import render_wechat
from syndicator.render.wechat.post import (
    DRAFT_FIELDS,
    WechatPostError,
    build_post,
    cover_problem,
    cover_src,
    render_post,
    wechat_author,
)


def words(text: str) -> str:
    return " ".join(text.split())


def root_of(content: str):
    return lxml_html.fragment_fromstring(content)


@pytest.mark.parametrize("theme", ["neutral", "red"])
def test_sample_page_every_post_is_ready_loses_nothing_and_respects_limits(
    make_config, sample, tmp_path, theme
) -> None:
    """Acceptance 1, for all 8 articles of the sample page, in both built-in themes."""
    config = make_config(tmp_path, wechat={"theme": theme})
    assert len(sample.articles) == 8
    for article in sample.articles:
        post = build_post(article, config)
        assert check_html(post.content) == [], article.id
        assert post.ready, post.complaints
        # Every block's text, in order, after the title block: nothing lost.
        text = words(root_of(post.content).text_content())
        at = text.index(words(article.title))
        for block in article.body:
            expected = words(block.plain)
            found = text.find(expected, at)
            assert found >= 0, f"{article.id}: lost {expected[:30]!r}"
            at = found + len(expected)
        # The JSON respects every limit, with Chinese unescaped.
        raw = post.json
        assert "\\u" not in raw and article.title in raw
        payload = json.loads(raw.encode("utf-8"))
        assert tuple(payload) == DRAFT_FIELDS
        assert 0 < len(payload["title"]) <= 32
        assert len(payload["author"]) <= 8
        assert 0 < len(payload["digest"]) <= 120
        assert payload["digest"][-1] in SENTENCE_ENDS + "”"
        assert words(payload["digest"]) in words(article.lead_text or article.plain_text)
        assert len(payload["content"]) < 20_000
        assert len(payload["content"].encode("utf-8")) < 1_000_000
        assert len(payload["content_source_url"].encode("utf-8")) <= 1024
        assert payload["content"] == post.content


def test_sample_page_authors_come_from_the_bylines(sample, config) -> None:
    authors = {a.id[-5:]: build_post(a, config).payload["author"] for a in sample.articles}
    assert authors == {
        "01-01": "程雪",
        "01-02": "曾晨路",
        "01-03": "杜志华",
        "01-04": "",
        "01-05": "程雪、戴大喜",
        "01-06": "夏锋",
        "01-07": "毛朝阳、姚磊等",  # three names do not fit in 8 characters
        "01-08": "沈天翔、徐星隽",
    }


def test_post_has_one_root_section_and_only_inline_styles(articles, config) -> None:
    post = build_post(articles[0], config)
    assert post.content.startswith("<section style=") and post.content.endswith("</section>")
    root = root_of(post.content)
    assert root.tag == "section"
    for element in root.iter():
        assert set(element.attrib) <= {"style", "src", "alt", "href"}
        if element.tag == "p":
            assert dict(parse_style(element.get("style"))[0]).get("color")


def test_post_has_newspaper_form(articles, config) -> None:
    article = articles[0]
    root = root_of(build_post(article, config).content)
    paragraphs = root.findall("p")
    kicker, title, subtitle = paragraphs[:3]
    assert (kicker.text, title.text, subtitle.text) == (
        "稳增长 促就业",
        "杭州湾新区一批重大项目集中开工",
        "——总投资超过300亿元",
    )
    small = dict(parse_style(kicker.get("style"))[0])
    big = dict(parse_style(title.get("style"))[0])
    assert small["font-size"] == "14px" and small["color"] == BUILTIN_THEMES["red"].muted
    assert big["font-size"] == "22px" and small["text-align"] == "center"
    assert subtitle.get("style") == kicker.get("style")
    lead = root.xpath("//p[strong]")[0]
    assert lead.text_content().startswith("本报讯 记者王敏 通讯员李东报道 9月1日")
    img = root.xpath("//img")[0]
    assert "max-width:100%" in img.get("style")
    assert "text-align:center" in img.getparent().get("style")
    caption = img.getparent().getnext()
    assert caption.text == "开工仪式现场。 通讯员李东 摄"
    assert "text-align:center" in caption.get("style") and "color:#888888" in caption.get("style")
    footer = [p.text for p in root.findall("p")[-3:]]
    assert footer == [
        "来源：浙江工人日报 2021年9月1日 第02版：经济",
        "原文链接：https://www.zjgrrb.com/zjgrrb/html/2021-09/01/content_2.htm",
        "责任编辑：张三",
    ]
    assert not root.xpath("//a[not(starts-with(@href, 'https://mp.weixin.qq.com/'))]")


def test_external_links_become_numbered_references_wechat_links_stay(articles, config) -> None:
    article = articles[0]
    body = list(article.body)
    body[3] = Block(
        type="paragraph",
        text="",
        html='见<a href="https://a.test/1">甲</a>、<a href="https://b.test/2">乙</a>、'
        '<a href="https://a.test/1">甲again</a>、<a href="https://mp.weixin.qq.com/s/x">往期</a>'
        '和<a href="javascript:alert(1)">脚本</a>。',
    )
    root = root_of(build_post(article.replace(body=tuple(body)), config).content)
    text = words(root.text_content())
    assert "见甲[1]、乙[2]、甲again[1]、往期和脚本。" in text
    assert [a.get("href") for a in root.iter("a")] == ["https://mp.weixin.qq.com/s/x"]
    refs = [p.text for p in root.findall("p") if p.text and p.text.startswith("[")]
    assert refs == ["[1] https://a.test/1", "[2] https://b.test/2"]


def test_byline_without_a_paragraph_gets_its_own_line(articles, config) -> None:
    article = articles[0].replace(body=(Block(type="subhead", text="只有小标题"),))
    text = words(root_of(build_post(article, config).content).text_content())
    assert "本报讯 记者王敏 通讯员李东报道" in text


def test_photo_credit_byline_is_printed_once_under_the_picture(sample, config) -> None:
    photo = next(a for a in sample.articles if a.id.endswith("01-07"))
    text = root_of(build_post(photo, config).content).text_content()
    assert text.count("毛朝阳 姚磊 姜璐摄") == 1


def test_theme_changes_colours_and_sizes(articles, make_config, tmp_path) -> None:
    article = articles[0]
    neutral = build_post(article, make_config(tmp_path, wechat={"theme": "neutral"})).content
    red = build_post(article, make_config(tmp_path, wechat={"theme": "red"})).content
    big = make_config(tmp_path, wechat={"theme": "red", "themes": {"red": {"font_size": 18}}})
    assert "color:#b4161b" in red and "color:#b4161b" not in neutral
    assert "font-size:18px" in build_post(article, big).content
    assert check_html(neutral) == check_html(red) == []


def test_long_title_is_an_error_that_shows_it_unless_allowed(
    articles, make_config, tmp_path
) -> None:
    title = "这是一个非常非常长的标题" * 3  # 36 characters
    article = articles[1].replace(title=title)
    post = build_post(article, make_config(tmp_path))
    assert not post.ready and not post.check
    assert post.complaints == [
        f"title is 36 characters, WeChat allows 32: «{title}»: shorten it, "
        "or set [wechat] long_titles = true (the editor allows 64)"
    ]
    with pytest.raises(WechatPostError, match="not ready for WeChat: title is 36"):
        render_post(article, make_config(tmp_path))
    assert post.payload["title"] == title  # reported, never cut
    allowed = make_config(tmp_path, wechat={"long_titles": True})
    assert build_post(article, allowed).ready
    longer = article.replace(title="长" * 65)
    assert "WeChat allows 64" in build_post(longer, allowed).complaints[0]


def test_author_takes_the_names_that_fit_and_says_so(articles) -> None:
    article = articles[1]

    def author(*names: str) -> str:
        return wechat_author(article.replace(authors=tuple(Author(n, "记者") for n in names)))

    assert author() == ""
    assert author("程雪", "程雪") == "程雪"
    assert author("程雪", "戴喜", "李东") == "程雪、戴喜、李东"  # exactly 8
    assert author("程雪", "戴大喜", "李东") == "程雪、戴大喜等"
    assert author("欧阳一二", "司马三四", "李东") == "欧阳一二等"
    assert author("阿卜杜勒热合曼", "李东") == "阿卜杜勒热合曼等"
    assert author("阿卜杜勒热合曼江", "李东") == "阿卜杜勒热合曼江"  # no room for 等


def test_author_too_long_on_its_own_is_reported(articles, config) -> None:
    article = articles[1].replace(authors=(Author("阿卜杜勒·热合曼·买买提", "记者"),))
    (problem,) = build_post(article, config).complaints
    assert problem.startswith("author «阿卜杜勒·热合曼·买买提» is 12 characters, WeChat allows 8")


def test_digest_is_the_lead_cut_at_a_sentence_end(articles, config) -> None:
    lead = "第一句话很短。" + "第二句" * 40 + "。"
    article = articles[1].replace(body=(Block(type="paragraph", text=lead),))
    assert build_post(article, config).payload["digest"] == "第一句话很短。"


def test_source_url_over_1kb_is_reported(articles, config) -> None:
    article = articles[1].replace(source_url="https://zjgrrb.com/" + "a" * 1100)
    assert "content_source_url is 1119 bytes" in build_post(article, config).complaints[0]


def test_oversized_article_is_reported_not_truncated(articles, config) -> None:
    body = tuple(Block(type="paragraph", text="字" * 1000) for _ in range(25))
    post = build_post(articles[1].replace(body=body), config)
    assert [p.rule for p in post.check] == ["size"]
    assert post.content.count("字" * 1000) == 25


def test_pictures_can_point_at_uploaded_copies(articles, config) -> None:
    article = articles[0]
    src = article.images[0].src
    content = render_wechat(
        article, image_urls={src: "http://mmbiz.qpic.cn/mmbiz_jpg/abc/0?wx_fmt=jpeg"}
    )
    assert 'src="http://mmbiz.qpic.cn/mmbiz_jpg/abc/0?wx_fmt=jpeg"' in content
    assert src not in content


def test_picture_without_web_address_keeps_its_caption_only(articles, config) -> None:
    article = articles[1].replace(
        body=(Block(type="image", src="images/local.jpg", caption="图说", credit="某某 摄"),)
    )
    content = build_post(article, config).content
    assert "<img" not in content and "图说 某某 摄" in content
    assert check_html(content) == []


def test_text_is_escaped_never_injected(articles, config) -> None:
    evil = '<script>alert("x")</script><img src=x onerror=alert(1)>'
    article = articles[0].replace(
        title=evil,
        kicker=evil,
        body=(
            Block(type="paragraph", text=evil),
            Block(type="paragraph", text="", html=f"前{evil}<b onclick='x()'>粗</b>后"),
            Block(type="image", src='https://a.test/x.jpg" onerror="alert(1)', caption=evil),
        ),
    )
    content = build_post(article, config).content
    assert check_html(content) == []
    root = root_of(content)
    assert not root.xpath("//script") and not re.search(r"<script", content)
    assert all(not k.startswith("on") for e in root.iter() for k in e.attrib)
    assert root.findall("p")[1].text == evil  # the title, as text
    assert "前粗后" in root.text_content()  # inline HTML: tags gone, script dropped


def test_lists_keep_literal_markers(articles, config) -> None:
    block = Block(
        type="paragraph",
        text="",
        html="要点：<ul><li>一</li><li>二</li></ul>步骤：<ol><li>甲</li><li>乙</li></ol>",
    )
    content = build_post(articles[1].replace(body=(block,)), config).content
    assert "要点：• 一<br/>• 二<br/>步骤：1. 甲<br/>2. 乙<br/>" in content
    assert check_html(content) == []


def test_cover_is_the_chosen_picture_else_the_first_on_the_web(
    articles, make_config, tmp_path
) -> None:
    """What push will make the cover, known before it runs: the desk says "no cover"."""
    config = make_config(tmp_path)
    first, second = "https://img.example.com/a.jpg", "https://img.example.com/b.jpg"
    local = "file:///srv/c.jpg"
    body = (
        Block("image", caption="只有图说。"),
        Block("image", src=local),
        Block("image", src=first),
        Block("paragraph", text="正文。"),
        Block("image", src=second),
    )
    article = articles[1].replace(body=body)
    assert cover_src(article) == first
    assert cover_src(article.replace(cover=second)) == second
    assert cover_src(article.replace(cover=local)) == first  # not in the post: not its cover
    assert cover_problem(article, config) is None


def test_an_article_without_a_picture_has_no_cover_unless_configured(
    articles, make_config, tmp_path
) -> None:
    text_only = articles[1].replace(
        body=(Block("image", caption="图说。"), Block("paragraph", text="正文。"))
    )
    assert cover_src(text_only) is None
    problem = cover_problem(text_only, make_config(tmp_path))
    assert problem is not None
    assert str(problem).startswith("no picture to use as the cover: set [wechat] cover")
    assert problem.zh.startswith("没有可作封面的图片")
    configured = make_config(tmp_path, wechat={"cover": "cover.png"})
    assert cover_problem(text_only, configured) is None
    # The post itself is fine to copy by hand: a cover is push's concern only.
    assert build_post(text_only, make_config(tmp_path)).ready
