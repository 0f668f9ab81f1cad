"""Talking to the outside: WebSub hubs (:mod:`.websub`), the WeChat
Official Account API (:mod:`.wechat_api`) and the draft push built on it
(:mod:`.push`). Each runs after the publish pass, never inside it."""
