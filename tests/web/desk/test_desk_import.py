"""Importing pages from the desk: upload, the dry run, the facts asked for, confirm.

The sample page prints no 第N版: the desk must ask for it and save
nothing until it is given (the page-number trap of issue 11), and a
re-import that changes a stored article needs "这是更正". Each step is
driven as a browser would: the confirmation posts what the preview
page's own form holds.
"""

from __future__ import annotations

import io
import re
from html import unescape

import pytest
from support import desk
from support.forms import form_fields
from support.paths import DATA, SAMPLE_PAGE

from syndicator import store
from syndicator.actions import audit as audit_actions

SAMPLE_TEXT = SAMPLE_PAGE.read_text(encoding="utf-8")
FIRST = "zjgrrb-20210830-01-01"
#: What the preview must show of the sample page's first article.
FIRST_SHOWN = (
    "引题：小切口 大场景",
    "我省公布一批数字化改革“硬核”成果",
    "署名：本报讯 记者程雪报道",
    "昨日，我省召开数字化改革重大应用成果新闻发布会",
)


def upload(client, *files: tuple[str, bytes], fmt: str = "auto"):
    """Post files to the import form; follow to the preview when the desk takes them."""
    parts = [(io.BytesIO(data), name) for name, data in files]
    return desk.post(
        client,
        "/desk/import",
        {"pages": parts, "format": fmt},
        content_type="multipart/form-data",
    )


def preview_of(client, *files: tuple[str, bytes], **facts: str):
    """Upload ``files`` and open the dry run with ``facts`` (``{"page-0": "1"}``) stated."""
    response = upload(client, *files)
    assert response.status_code == 302, response.get_data(as_text=True)
    location = response.headers["Location"]
    query = "".join(f"&{key}={value}" for key, value in facts.items())
    return location.split("?")[0], client.get(location + query)


def confirm(client, batch_path: str, page, **extra: str):
    """Post the preview page's confirmation form as shown, plus ``extra`` (a ticked box)."""
    fields = form_fields(page.get_data(as_text=True), batch_path)
    return client.post(batch_path, data={**fields, **extra})


def articles_in(html: str) -> list[str]:
    """Each previewed article's text, tags stripped."""
    chunks = re.findall(
        r'<li class="preview-article.*?</li>\s*(?=<li class="preview|</ol>)', html, re.S
    )
    return [" ".join(unescape(re.sub(r"<[^>]+>", " ", c)).split()) for c in chunks]


def article_entries(engine) -> list[audit_actions.AuditEntry]:
    """The audit trail's entries about articles (signing in is audited too)."""
    return [e for e in audit_actions.list_audit(engine) if e.article_id]


def stored_ids(engine) -> list[str]:
    with engine.connect() as conn:
        return sorted(
            a.id for day, _n in store.list_editions(conn) for a in store.list_edition(conn, day)
        )


def test_a_page_without_its_number_is_refused_until_the_number_is_given(
    editor_client, engine
) -> None:
    batch, page = preview_of(editor_client, ("today.txt", SAMPLE_PAGE.read_bytes()))
    assert page.status_code == 400
    html = page.get_data(as_text=True)
    assert "请补充版面信息" in html
    assert "此文件没有印出版次，请填写后继续" in html
    assert re.search(r'<input name="page-0" value="" inputmode="numeric" required>', html)
    assert "确认导入" not in html  # no confirmation offered before the page is known
    # Posting the confirmation anyway (an old tab, a crafted form) is refused the same way.
    refused = editor_client.post(
        batch, data={"csrf_token": desk.csrf_token(editor_client, "/desk/")}
    )
    assert refused.status_code == 400
    assert "此文件没有印出版次" in refused.get_data(as_text=True)
    assert stored_ids(engine) == []
    assert article_entries(engine) == []


def test_a_page_number_that_is_no_number_is_shown_beside_the_field(editor_client, engine) -> None:
    _batch, page = preview_of(
        editor_client, ("today.txt", SAMPLE_PAGE.read_bytes()), **{"page-0": "一"}
    )
    assert page.status_code == 400
    assert "版次应为 1–999 的整数" in page.get_data(as_text=True)
    assert stored_ids(engine) == []


def test_the_dry_run_shows_every_article_and_confirming_saves_them(
    editor_client, engine, sample
) -> None:
    batch, page = preview_of(
        editor_client, (SAMPLE_PAGE.name, SAMPLE_PAGE.read_bytes()), **{"page-0": "1"}
    )
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "共 8 篇：新稿 8 篇，将更正 0 篇，未变 0 篇" in html
    assert "第1版（人工填写）" in html and "出版日期 2021-08-30（版面印出）" in html
    shown = articles_in(html)
    assert len(shown) == 8
    for text in FIRST_SHOWN:
        assert text in shown[0]
    for article, text in zip(sample.articles, shown, strict=True):
        assert article.title in text
        for value in (article.kicker, article.subtitle, article.byline):
            if value:
                assert value in text
        first = " ".join(article.body[0].plain.split())[:40]
        assert first in text  # the first lines
    # The dropped lines, each with its line number and a reason in Chinese.
    assert "未收入稿件的行（14）" in html
    assert '第 5 行 <span class="reason">报头</span>：辛丑年七月廿三' in html
    assert '第 165 行 <span class="reason">报尾</span>：新闻服务热线' in html
    assert stored_ids(engine) == []  # the dry run saves nothing

    saved = confirm(editor_client, batch, page)
    assert saved.status_code == 302
    assert saved.headers["Location"] == "/desk/editions/2021-08-30"
    assert stored_ids(engine) == sorted(a.id for a in sample.articles)
    entries = article_entries(engine)
    assert {(e.actor, e.action, e.note) for e in entries} == {
        ("desk:editor1", "import", SAMPLE_PAGE.name)
    }
    assert sorted(e.article_id for e in entries) == stored_ids(engine)
    edition = editor_client.get(saved.headers["Location"]).get_data(as_text=True)
    assert "已导入：新稿 8 篇，更正 0 篇，未变 0 篇" in edition
    # The batch is gone once saved: confirming twice imports nothing twice.
    assert editor_client.get(batch).status_code == 404


def test_warnings_are_shown_beside_the_lines_they_concern(editor_client) -> None:
    path = DATA / "epaper" / "zjgrrb-2021-09-06-p03.txt"
    _batch, page = preview_of(editor_client, (path.name, path.read_bytes()))
    assert page.status_code == 200  # this page prints its number and date
    html = page.get_data(as_text=True)
    assert "第3版（版面印出）" in html
    # A line before the first headline belongs to no article: a warning of the file.
    file_part = html.split('<ol class="preview-articles">')[0]
    assert "第 5 行：text before the first headline" in file_part
    # A subhead guessed inside an article: a warning on that article.
    [article] = [a for a in articles_in(html) if "第 19 行：" in a]
    assert "职工疗休养，今年去哪儿？" in article and "线路更丰富" in article
    assert "没有标题（可能转自其他版）" in html  # the dropped continuation, in Chinese


def test_a_second_page_without_a_number_does_not_overwrite_page_one(
    editor_client, engine, loaded
) -> None:
    before = _stored(engine, FIRST)
    other = SAMPLE_TEXT.replace("小切口 大场景", "大切口 小场景")
    batch, page = preview_of(editor_client, ("another.txt", other.encode()))
    assert page.status_code == 400 and "此文件没有印出版次" in page.get_data(as_text=True)
    refused = editor_client.post(
        batch, data={"csrf_token": desk.csrf_token(editor_client, "/desk/")}
    )
    assert refused.status_code == 400
    assert _stored(engine, FIRST) == before
    # Stated as page 2, it lands on page 2 and page 1 is untouched.
    page = editor_client.get(f"{batch}?format=auto&page-0=2")
    assert "新稿 8 篇，将更正 0 篇" in page.get_data(as_text=True)
    assert confirm(editor_client, batch, page).status_code == 302
    assert _stored(engine, FIRST) == before
    assert _stored(engine, "zjgrrb-20210830-02-01").article.kicker == "大切口 小场景"


def _stored(engine, article_id: str) -> store.StoredArticle:
    with engine.connect() as conn:
        return store.get_articles(conn, [article_id])[article_id]


def test_a_reimport_that_changes_an_article_needs_this_is_a_correction(
    editor_client, engine, loaded, clock
) -> None:
    before = _stored(engine, FIRST)
    clock.advance(hours=1)
    changed = SAMPLE_TEXT.replace(
        "我省公布一批数字化改革“硬核”成果", "我省公布首批数字化改革“硬核”成果"
    )
    batch, page = preview_of(editor_client, ("p1.txt", changed.encode()), **{"page-0": "1"})
    html = page.get_data(as_text=True)
    assert "新稿 0 篇，将更正 1 篇，未变 7 篇" in html
    [shown] = [a for a in articles_in(html) if "将更正" in a]
    assert "与已入库稿件的差异" in shown
    assert "标题 我省公布一批数字化改革“硬核”成果 我省公布首批数字化改革“硬核”成果" in shown
    assert 'name="correction" value="yes"' in html

    refused = confirm(editor_client, batch, page)
    assert refused.status_code == 409
    assert "请核对差异，并勾选“这是更正”后再确认" in refused.get_data(as_text=True)
    assert _stored(engine, FIRST) == before
    assert [e.action for e in article_entries(engine)] == []

    saved = confirm(editor_client, batch, page, correction="yes")
    assert saved.status_code == 302
    after = _stored(engine, FIRST)
    assert after.article.id == before.article.id
    assert after.article.title == "我省公布首批数字化改革“硬核”成果"
    assert after.article.published_at == before.article.published_at
    assert after.article.updated_at == clock.now > before.article.updated_at
    [entry] = article_entries(engine)
    assert (entry.actor, entry.action, entry.article_id) == ("desk:editor1", "correct", FIRST)
    assert entry.before["title"] == "我省公布一批数字化改革“硬核”成果"
    assert entry.after["title"] == "我省公布首批数字化改革“硬核”成果"


def test_a_json_file_is_previewed_and_imported(editor_client, engine, articles) -> None:
    path = DATA / "articles.json"
    batch, page = preview_of(editor_client, (path.name, path.read_bytes()))
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "共 3 篇：新稿 3 篇" in html
    shown = articles_in(html)
    assert (
        "副题：总投资超过300亿元" in shown[0] and "署名：本报讯 记者王敏 通讯员李东报道" in shown[0]
    )
    assert confirm(editor_client, batch, page).status_code == 302
    assert stored_ids(engine) == sorted(a.id for a in articles)
    assert {e.action for e in article_entries(engine)} == {"import"}


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        ("photo.jpg", b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + bytes(range(256)), "binary file"),
        ("broken.json", b'{"id": ', "malformed JSON"),
        ("blank.txt", b"\n \n\n", "file is empty"),
    ],
)
def test_a_file_that_is_no_page_is_refused_naming_it(
    editor_client, engine, name, data, message
) -> None:
    _batch, page = preview_of(editor_client, (name, data))
    assert page.status_code == 400
    alert = re.search(
        r'<p class="banner held" role="alert">([^<]+)</p>', page.get_data(as_text=True)
    )
    assert alert, "no refusal shown"
    assert alert.group(1).startswith(f"无法导入：{name}") and message in alert.group(1)
    assert "确认导入" not in page.get_data(as_text=True)
    assert stored_ids(engine) == []


def test_an_empty_file_is_refused_by_name_even_beside_a_good_one(editor_client, engine) -> None:
    response = upload(
        editor_client, ("empty.txt", b""), (SAMPLE_PAGE.name, SAMPLE_PAGE.read_bytes())
    )
    assert response.status_code == 400
    assert "文件是空的：empty.txt" in response.get_data(as_text=True)
    nothing = upload(editor_client, ("", b""))  # no file chosen at all
    assert nothing.status_code == 400
    assert "请选择要导入的版面文件" in nothing.get_data(as_text=True)
    assert stored_ids(engine) == []


def test_another_user_cannot_open_my_staged_batch(desk_app, editor_client, engine) -> None:
    batch, page = preview_of(
        editor_client, (SAMPLE_PAGE.name, SAMPLE_PAGE.read_bytes()), **{"page-0": "1"}
    )
    fields = form_fields(page.get_data(as_text=True), batch)
    desk.add_user(engine, "other", "editor")
    other = desk_app.test_client()
    assert desk.login(other, "other").status_code == 302
    assert other.get(f"{batch}?page-0=1").status_code == 404
    token = desk.csrf_token(other, "/desk/")
    assert other.post(batch, data={**fields, "csrf_token": token}).status_code == 404
    assert stored_ids(engine) == []
    assert editor_client.get(f"{batch}?page-0=1").status_code == 200  # still mine


def test_several_pages_at_once_ask_only_for_what_each_lacks(editor_client, engine) -> None:
    undated = "\n".join(
        line
        for line in SAMPLE_TEXT.splitlines()
        if line.strip() not in ("2021年8月30日", "辛丑年七月廿三", "星期一")
    )
    numbered = DATA / "epaper" / "zjgrrb-2021-09-06-p03.txt"
    files = [("undated.txt", undated.encode()), (numbered.name, numbered.read_bytes())]
    batch, page = preview_of(editor_client, *files)
    assert page.status_code == 400
    html = page.get_data(as_text=True)
    assert "此文件没有印出出版日期和版次，请填写后继续" in html
    assert "此文件无需补充" in html  # the page that prints both
    asked = re.findall(r'<input[^>]*name="((?:page|edition)-\d)"', html)
    assert asked == ["page-0", "edition-0"]
    wrong = editor_client.get(f"{batch}?page-0=1&edition-0=2021-08-32")
    assert wrong.status_code == 400
    assert "日期格式应为 YYYY-MM-DD" in wrong.get_data(as_text=True)

    page = editor_client.get(f"{batch}?page-0=1&edition-0=2021-08-30")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "出版日期 2021-08-30（人工填写）" in html and "第3版（版面印出）" in html
    assert confirm(editor_client, batch, page).status_code == 302
    ids = stored_ids(engine)
    assert [i for i in ids if i.startswith("zjgrrb-20210830-01-")] == [
        f"zjgrrb-20210830-01-{n:02d}" for n in range(1, 9)
    ]
    assert any(i.startswith("zjgrrb-20210906-03-") for i in ids)


def test_a_page_named_p2_lands_on_page_2_and_says_where_the_number_came_from(
    editor_client, engine, loaded
) -> None:
    """Issue 14: the ``-p2`` of a file name was ignored; the page "corrected" page 1."""
    before = _stored(engine, FIRST)
    other = SAMPLE_TEXT.replace("小切口 大场景", "大切口 小场景")
    batch, page = preview_of(editor_client, ("zjgrrb-2021-08-30-p2.txt", other.encode()))
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and "第2版（取自文件名）" in html
    assert "新稿 8 篇，将更正 0 篇" in html
    assert confirm(editor_client, batch, page).status_code == 302
    assert _stored(engine, FIRST) == before
    assert _stored(engine, "zjgrrb-20210830-02-01").article.kicker == "大切口 小场景"


#: Another page of the day, printing no page number: stated as page 1 by mistake.
OTHER_PAGE = (
    "浙江工人日报\n2021年8月30日 星期一\n\n职工书屋开进工地\n\n"
    "本报讯 记者王敏报道 昨日，全省首个工地职工书屋在杭州建成开放。"
    "书屋藏书两千余册，供建筑工人免费借阅。\n"
)


def test_a_wholesale_replacement_is_flagged_before_anyone_confirms_it(
    editor_client, engine, loaded
) -> None:
    """Issue 14: another page under page 1's ids showed as a plain correction."""
    before = _stored(engine, FIRST)
    batch, page = preview_of(editor_client, ("today.txt", OTHER_PAGE.encode()), **{"page-0": "1"})
    html = page.get_data(as_text=True)
    [shown] = [a for a in articles_in(html) if "将更正" in a]
    assert "标题和正文都将被整篇替换" in shown and "请核对版次和出版日期" in shown
    assert confirm(editor_client, batch, page).status_code == 409
    assert _stored(engine, FIRST) == before
    # A small correction is not flagged.
    typo = SAMPLE_TEXT.replace("我省公布一批数字化改革", "我省公布首批数字化改革")
    _batch, small = preview_of(editor_client, ("today.txt", typo.encode()), **{"page-0": "1"})
    assert "将更正 1 篇" in small.get_data(as_text=True)
    assert "整篇替换" not in small.get_data(as_text=True)
