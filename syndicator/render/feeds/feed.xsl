<?xml version="1.0" encoding="UTF-8"?>
<!--
  Shows an RSS 2.0 or Atom feed of syndicator as a readable Chinese page
  when someone opens it in a browser. Feed readers ignore it.
  Served as /feeds/feed.xsl; every feed points here with a relative
  <?xml-stylesheet?>, so the browser fetches it from the feed's own origin.
-->
<xsl:stylesheet version="1.0"
    xmlns:xsl="http://www.w3.org/1999/XSL/Transform"
    xmlns:atom="http://www.w3.org/2005/Atom"
    xmlns:dc="http://purl.org/dc/elements/1.1/"
    xmlns:fh="http://purl.org/syndication/history/1.0"
    exclude-result-prefixes="atom dc fh">
  <xsl:output method="html" encoding="UTF-8" indent="yes"
      doctype-system="about:legacy-compat"/>

  <xsl:variable name="self" select="(/rss/channel/atom:link[@rel='self'] | /atom:feed/atom:link[@rel='self'])[1]/@href"/>
  <xsl:variable name="current" select="(/rss/channel/atom:link[@rel='current'] | /atom:feed/atom:link[@rel='current'])[1]/@href"/>
  <xsl:variable name="prev" select="(/rss/channel/atom:link[@rel='prev-archive'] | /atom:feed/atom:link[@rel='prev-archive'])[1]/@href"/>
  <xsl:variable name="archived" select="boolean(/rss/channel/fh:archive | /atom:feed/fh:archive)"/>

  <xsl:template match="/">
    <html lang="zh-CN">
      <head>
        <meta charset="utf-8"/>
        <meta name="viewport" content="width=device-width, initial-scale=1"/>
        <title><xsl:value-of select="/rss/channel/title | /atom:feed/atom:title"/> · 订阅源</title>
        <style>
          body { margin: 0; background: #f6f6f4; color: #222; line-height: 1.7;
                 font-family: "PingFang SC", "Noto Sans CJK SC", "Microsoft YaHei", sans-serif; }
          main { max-width: 46rem; margin: 0 auto; padding: 1.5rem 1rem 3rem; }
          h1 { margin: 0 0 .25rem; font-size: 1.6rem; color: #a4161a; }
          .about { margin: 0 0 1rem; color: #555; }
          .subscribe { background: #fff; border-left: 4px solid #a4161a; padding: .75rem 1rem; margin: 1rem 0 1.5rem; }
          .subscribe code { word-break: break-all; background: #f1f1ee; padding: .1rem .3rem; }
          ol { list-style: none; padding: 0; margin: 0; }
          li { background: #fff; margin: 0 0 .75rem; padding: .75rem 1rem; border-radius: 4px; }
          li h2 { font-size: 1.1rem; margin: 0 0 .25rem; }
          li a { color: #1a1a1a; text-decoration: none; }
          li a:hover { text-decoration: underline; }
          .meta { color: #888; font-size: .85rem; margin: 0 0 .25rem; }
          .summary { margin: 0; color: #444; }
          nav { margin-top: 1.5rem; }
          nav a { color: #a4161a; }
        </style>
      </head>
      <body>
        <main>
          <h1 id="feed-title"><xsl:value-of select="/rss/channel/title | /atom:feed/atom:title"/></h1>
          <p class="about"><xsl:value-of select="/rss/channel/description | /atom:feed/atom:subtitle"/></p>
          <div class="subscribe" id="how-to-subscribe">
            <xsl:choose>
              <xsl:when test="$archived">
                <p>这是订阅源的往期存档页，收录较早的文章。
                  <xsl:if test="$current">要订阅最新文章，请使用 <a href="{$current}">当前订阅源</a>。</xsl:if>
                </p>
              </xsl:when>
              <xsl:otherwise>
                <p><strong>如何订阅：</strong>这是一个订阅源（<xsl:choose><xsl:when test="/rss">RSS</xsl:when><xsl:otherwise>Atom</xsl:otherwise></xsl:choose>），不是普通网页。
                  复制下面的地址，粘贴到阅读器（如 Feedly、Inoreader、NetNewsWire、newsboat）的“添加订阅”中，有新文章时阅读器会自动收到。</p>
                <p>订阅地址：<code><xsl:value-of select="$self"/></code></p>
              </xsl:otherwise>
            </xsl:choose>
          </div>
          <ol id="items">
            <xsl:apply-templates select="/rss/channel/item | /atom:feed/atom:entry"/>
          </ol>
          <xsl:if test="$prev">
            <nav><a rel="prev-archive" href="{$prev}">更早的文章 →</a></nav>
          </xsl:if>
        </main>
      </body>
    </html>
  </xsl:template>

  <xsl:template match="item">
    <li>
      <h2 class="item-title"><a href="{link}"><xsl:value-of select="title"/></a></h2>
      <p class="meta">
        <xsl:call-template name="rss-date"><xsl:with-param name="date" select="pubDate"/></xsl:call-template>
        <xsl:for-each select="dc:creator"> · <xsl:value-of select="."/></xsl:for-each>
      </p>
      <p class="summary"><xsl:value-of select="description"/></p>
    </li>
  </xsl:template>

  <!-- "Mon, 30 Aug 2021 06:00:00 +0800" shown as "2021-08-30 06:00", as Atom's
       dates are: the feed's own time zone (Beijing), no day or month names. -->
  <xsl:template name="rss-date">
    <xsl:param name="date"/>
    <xsl:variable name="month"
      select="string-length(substring-before('JanFebMarAprMayJunJulAugSepOctNovDec', substring($date, 9, 3))) div 3 + 1"/>
    <xsl:value-of select="concat(substring($date, 13, 4), '-', format-number($month, '00'), '-',
                                 substring($date, 6, 2), ' ', substring($date, 18, 5))"/>
  </xsl:template>

  <xsl:template match="atom:entry">
    <li>
      <h2 class="item-title">
        <a href="{atom:link[@rel='alternate']/@href}"><xsl:value-of select="atom:title"/></a>
      </h2>
      <p class="meta">
        <xsl:value-of select="translate(substring(atom:published, 1, 16), 'T', ' ')"/>
        <xsl:for-each select="atom:author/atom:name"> · <xsl:value-of select="."/></xsl:for-each>
      </p>
      <p class="summary"><xsl:value-of select="atom:summary"/></p>
    </li>
  </xsl:template>
</xsl:stylesheet>
