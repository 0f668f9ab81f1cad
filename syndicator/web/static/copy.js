// Copy the rendered WeChat post as rich text, for pasting into the
// Official Account editor. The modern Clipboard API writes text/html and
// text/plain together; where it is missing or refused we fall back to
// selecting the rendered node and execCommand('copy').
(function () {
  "use strict";

  function say(status, text, isError) {
    status.textContent = text;
    status.className = isError ? "error" : "";
  }

  // The fallback: select the rendered node and execCommand('copy'). A copy
  // handler puts the post's own markup on the clipboard; left to itself the
  // browser would copy the selection with the page's computed styles
  // (fonts, a white background) and without the root <section>.
  function copyBySelection(node, html, text) {
    function onCopy(event) {
      if (event.clipboardData) {
        event.clipboardData.setData("text/html", html);
        event.clipboardData.setData("text/plain", text);
        event.preventDefault();
      }
    }
    var range = document.createRange();
    range.selectNode(node);
    var selection = window.getSelection();
    selection.removeAllRanges();
    selection.addRange(range);
    var ok = false;
    document.addEventListener("copy", onCopy);
    try {
      ok = document.execCommand("copy");
    } catch (e) {
      ok = false;
    } finally {
      document.removeEventListener("copy", onCopy);
      selection.removeAllRanges();
    }
    return ok;
  }

  function copyPost(button) {
    var node = document.getElementById(button.dataset.target);
    var status = document.getElementById("copy-status");
    var html = node.innerHTML;
    var text = node.innerText;
    if (navigator.clipboard && window.ClipboardItem) {
      var item = new ClipboardItem({
        "text/html": new Blob([html], { type: "text/html" }),
        "text/plain": new Blob([text], { type: "text/plain" })
      });
      return navigator.clipboard.write([item]).then(
        function () { say(status, "已复制，可粘贴到公众号编辑器", false); },
        function () {
          var ok = copyBySelection(node, html, text);
          say(status, ok ? "已复制（兼容模式）" : "复制失败，请手动选择内容复制", !ok);
        }
      );
    }
    var ok = copyBySelection(node, html, text);
    say(status, ok ? "已复制（兼容模式）" : "复制失败，请手动选择内容复制", !ok);
    return Promise.resolve();
  }

  document.addEventListener("DOMContentLoaded", function () {
    var button = document.getElementById("copy");
    if (button) {
      button.addEventListener("click", function () {
        // The desk marks a post that must not go out (withdrawn, a draft,
        // not yet due): copying it then needs a second thought.
        var question = button.dataset.confirm;
        if (question && !window.confirm(question)) {
          say(document.getElementById("copy-status"), "未复制", true);
          return;
        }
        copyPost(button);
      });
    }
  });
})();
