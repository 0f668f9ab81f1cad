"""Page names (版名): the words papers print over a page, alone on a line.

A line such as 综合新闻 at the top of a page names the page. Read as the
first line of a headline block, it became the kicker, the real kicker the
title and the title the subtitle. The list holds the common names; a
paper adds its own with ``[ingest] page_names``.
"""

from __future__ import annotations

#: Names papers print over a page (版名), alone on a line in the page header.
#: ``[ingest] page_names`` adds a paper's own.
PAGE_NAMES = frozenset(
    [
        "要闻",
        "首版",
        "头版",
        "综合",
        "综合新闻",
        "新闻",
        "新闻综合",
        "本省新闻",
        "省内新闻",
        "全省新闻",
        "国内新闻",
        "国际新闻",
        "国内",
        "国际",
        "国内国际",
        "中国新闻",
        "天下",
        "时政",
        "时事",
        "时政新闻",
        "经济",
        "经济新闻",
        "财经",
        "民生",
        "社会",
        "社会新闻",
        "城市",
        "城市新闻",
        "地方",
        "地方新闻",
        "区县新闻",
        "市县新闻",
        "体育",
        "体育新闻",
        "文体",
        "文化",
        "文娱",
        "文艺",
        "副刊",
        "文化副刊",
        "评论",
        "言论",
        "观点",
        "理论",
        "理论评论",
        "工会",
        "工会新闻",
        "工运",
        "维权",
        "职工",
        "劳动",
        "人物",
        "视点",
        "聚焦",
        "专题",
        "专版",
        "特刊",
        "广告",
        "教育",
        "健康",
        "卫生",
        "法治",
        "政法",
        "科技",
        "农村",
        "三农",
        "生活",
        "旅游",
        "消费",
        "影像",
        "图片",
        "摄影",
        "读者来信",
        "公告",
        "深度",
        "调查",
        "综述",
        "关注",
        "网事",
        "热点",
        "声音",
        "文摘",
    ]
)


def is_page_name(text: str, own: tuple[str, ...] = ()) -> bool:
    """A 版名 alone on a line ("综合新闻"): the page's name, never an article's kicker."""
    name = "".join(text.split())
    return name in PAGE_NAMES or name in own
