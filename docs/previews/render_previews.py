#!/usr/bin/env python3
"""Render screenshot-like SVG previews of chat alerts from the golden sink requests.

Reads tests/connectors/data/sinks/<service>_<kind>.http (the exact HTTP requests the
formatters produce) and draws, for each service, an approximation of how that client shows
the message. Every piece of message text comes from the parsed request; only client chrome
(avatars, badges, placeholders for names the service configures) is drawn by this script.

    python3 docs/previews/render_previews.py          # (re)write docs/previews/*.svg
    python3 docs/previews/render_previews.py --check  # exit 1 if a committed SVG is stale

Python 3 standard library only. Output is deterministic: same input, same bytes.
"""

import argparse
import datetime
import json
import re
import sys
from dataclasses import dataclass, replace
from html.parser import HTMLParser
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
GOLDEN_DIR = ROOT / "tests" / "connectors" / "data" / "sinks"
OUT_DIR = Path(__file__).resolve().parent

SERVICES = ["slack", "slack_api", "mattermost", "teams", "discord", "matrix", "telegram",
            "webhook"]
KINDS = ["new_case", "crisis_start"]

WIDTH = 720
SANS = "-apple-system, BlinkMacSystemFont, 'Segoe UI', Helvetica, Arial, sans-serif"
MONO = "SFMono-Regular, Menlo, Consolas, 'DejaVu Sans Mono', monospace"


class PreviewError(Exception):
    pass


# ---------------------------------------------------------------------------------------------
# Request parsing


@dataclass
class Request:
    name: str
    method: str
    url: str
    headers: list  # [(name, value)] in file order
    body: object


def parse_http(path):
    raw = path.read_text(encoding="utf-8")
    head, sep, body = raw.partition("\n\n")
    if not sep:
        raise PreviewError(f"{path}: no blank line between headers and body")
    lines = head.split("\n")
    first = lines[0].split(" ", 1)
    if len(first) != 2:
        raise PreviewError(f"{path}: first line is not 'METHOD URL'")
    headers = []
    for line in lines[1:]:
        name, colon, value = line.partition(":")
        if not colon:
            raise PreviewError(f"{path}: malformed header line {line!r}")
        headers.append((name.strip(), value.strip()))
    try:
        parsed = json.loads(body)
    except json.JSONDecodeError as err:
        raise PreviewError(f"{path}: body is not JSON: {err}") from err
    return Request(path.stem, first[0], first[1], headers, parsed)


# ---------------------------------------------------------------------------------------------
# Text model: runs of styled text, measured and wrapped with an approximate width table


@dataclass(frozen=True)
class Style:
    bold: bool = False
    italic: bool = False
    mono: bool = False
    strike: bool = False
    underline: bool = False
    color: str = ""


PLAIN = Style()

# Advance widths of Arial for ASCII 32..126, in 1/1000 em.
_ASCII_WIDTHS = [
    278, 278, 355, 556, 556, 889, 667, 191, 333, 333, 389, 584, 278, 333, 278, 278,  # ' '../
    556, 556, 556, 556, 556, 556, 556, 556, 556, 556, 278, 278, 584, 584, 584, 556,  # 0..?
    1015, 667, 667, 722, 722, 667, 611, 778, 722, 278, 500, 667, 556, 833, 722, 778,  # @..O
    667, 778, 722, 667, 611, 722, 667, 944, 667, 667, 611, 278, 278, 278, 469, 556,  # P.._
    333, 556, 556, 500, 556, 556, 278, 556, 556, 222, 222, 500, 222, 833, 556, 556,  # `..o
    556, 556, 333, 500, 278, 556, 500, 722, 500, 500, 500, 334, 260, 334, 584,  # p..~
]
_OTHER_WIDTHS = {"\u200b": 0, "\u00b7": 278, "\u2022": 350, "\u2014": 1000, "\u2013": 556,
                 "\u2026": 1000, "\u2019": 222, "\u2018": 222, "\u201c": 333, "\u201d": 333,
                 "\u00a0": 278}
# System sans fonts (Segoe UI, San Francisco, DejaVu Sans) run wider than Arial.
SANS_FACTOR = 1.17
BOLD_FACTOR = 1.07
MONO_ADVANCE = 0.61


def char_width(ch, size, style):
    if style.mono:
        return 0.0 if ch == "\u200b" else size * MONO_ADVANCE
    code = ord(ch)
    if 32 <= code <= 126:
        units = _ASCII_WIDTHS[code - 32]
    elif ch in _OTHER_WIDTHS:
        units = _OTHER_WIDTHS[ch]
    elif code >= 0x2E80:
        units = 1000
    else:
        units = 580
    width = units / 1000.0 * size * SANS_FACTOR
    return width * BOLD_FACTOR if style.bold else width


def text_width(text, size, style=PLAIN):
    return sum(char_width(ch, size, style) for ch in text)


def runs_width(runs, size):
    return sum(text_width(t, size, s) for t, s in runs)


def _merge(line):
    out = []
    for text, style in line:
        if out and out[-1][1] == style:
            out[-1] = (out[-1][0] + text, style)
        elif text:
            out.append((text, style))
    return out


def wrap(runs, max_width, size):
    """Greedy word wrap; '\n' forces a break; a word may span several runs; over-long words
    are cut by characters."""
    items = []
    for text, style in runs:
        for seg_index, segment in enumerate(text.split("\n")):
            if seg_index:
                items.append(("nl", None))
            for token in re.findall(r"\s+|\S+", segment):
                if token.isspace():
                    items.append(("sp", style))
                elif items and items[-1][0] == "word":
                    items[-1][1].append((token, style))
                else:
                    items.append(("word", [(token, style)]))
    lines = [[]]
    width = 0.0

    def new_line():
        nonlocal width
        while lines[-1] and lines[-1][-1][0] == " ":
            lines[-1].pop()
        lines.append([])
        width = 0.0

    for kind, value in items:
        if kind == "nl":
            new_line()
        elif kind == "sp":
            if lines[-1]:
                lines[-1].append((" ", value))
                width += text_width(" ", size, value)
        else:
            w = runs_width(value, size)
            if width + w > max_width and lines[-1] and w <= max_width:
                new_line()
            if width + w <= max_width:
                lines[-1].extend(value)
                width += w
                continue
            for token, style in value:
                for ch in token:
                    cw = char_width(ch, size, style)
                    if width + cw > max_width and lines[-1]:
                        new_line()
                    lines[-1].append((ch, style))
                    width += cw
    while lines[-1] and lines[-1][-1][0] == " ":
        lines[-1].pop()
    return [_merge(line) for line in lines]


# ---------------------------------------------------------------------------------------------
# SVG canvas


def xml_escape(text):
    text = re.sub(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]", "\ufffd", text)
    return (text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
            .replace('"', "&quot;"))


def fmt(value):
    return str(int(round(value)))


class Canvas:
    def __init__(self, title, background):
        self.title = title
        self.background = background
        self.items = []
        self.height = 0.0

    def rect(self, x, y, w, h, fill, rx=0, stroke=""):
        attrs = f'x="{fmt(x)}" y="{fmt(y)}" width="{fmt(w)}" height="{fmt(h)}"'
        if rx:
            attrs += f' rx="{fmt(rx)}"'
        attrs += f' fill="{fill}"'
        if stroke:
            attrs += f' stroke="{stroke}"'
        self.items.append(f"<rect {attrs}/>")

    def circle(self, cx, cy, r, fill):
        self.items.append(f'<circle cx="{fmt(cx)}" cy="{fmt(cy)}" r="{fmt(r)}" fill="{fill}"/>')

    def text_line(self, x, baseline, runs, size, color, anchor=""):
        parts = []
        for text, style in runs:
            classes = "".join(c for c, on in (("b", style.bold), ("i", style.italic),
                                              ("m", style.mono), ("s", style.strike),
                                              ("u", style.underline)) if on)
            attrs = ""
            if classes:
                attrs += f' class="{" ".join(classes)}"'
            if style.color and style.color != color:
                attrs += f' fill="{style.color}"'
            if attrs:
                parts.append(f"<tspan{attrs}>{xml_escape(text)}</tspan>")
            else:
                parts.append(xml_escape(text))
        extra = f' text-anchor="{anchor}"' if anchor else ""
        self.items.append(f'<text x="{fmt(x)}" y="{fmt(baseline)}" font-size="{fmt(size)}" '
                          f'fill="{color}"{extra}>{"".join(parts)}</text>')

    def paragraph(self, x, y, width, runs, size, color, line_height=None):
        """Wrap and draw runs; returns the y below the last line."""
        line_height = line_height or round(size * 1.45)
        for line in wrap(runs, width, size):
            if line:
                self.text_line(x, y + line_height * 0.75, line, size, color)
            y += line_height
        return y

    def render(self):
        height = int(round(self.height))
        head = (f'<svg xmlns="http://www.w3.org/2000/svg" width="{WIDTH}" height="{height}" '
                f'viewBox="0 0 {WIDTH} {height}" font-family="{SANS}" xml:space="preserve" '
                f'role="img" aria-label="{xml_escape(self.title)}">')
        style = (f"<style>.b{{font-weight:700}}.i{{font-style:italic}}"
                 f".m{{font-family:{MONO}}}.s{{text-decoration:line-through}}"
                 f".u{{text-decoration:underline}}</style>")
        body = [head, f"<title>{xml_escape(self.title)}</title>", style,
                f'<rect width="{WIDTH}" height="{height}" fill="{self.background}"/>']
        return "\n".join(body + self.items + ["</svg>", ""])


def caption(canvas, req, dark=False):
    """A one-line note above the mock: source file and request line."""
    color = "#9aa0a6" if dark else "#6b6f76"
    host = re.sub(r"^https?://", "", req.url).split("?")[0]
    note = "  ·  approximation, not a screenshot"
    room = WIDTH - 32 - text_width(f"{req.name}.http", 11, Style(mono=True))
    room -= text_width(f"  {req.method} " + note, 11)
    if text_width(host, 11) > room:
        while host and text_width(host + "…", 11) > room:
            host = host[:-1]
        host += "…"
    runs = [(f"{req.name}.http", Style(mono=True)), (f"  {req.method} {host}{note}", PLAIN)]
    canvas.text_line(16, 20, runs, 11, color)
    return 32


def badge(canvas, x, baseline, label, fill, color="#ffffff"):
    w = text_width(label, 10, Style(bold=True)) + 8
    canvas.rect(x, baseline - 11, w, 14, fill, rx=3)
    canvas.text_line(x + w / 2, baseline, [(label, Style(bold=True))], 10, color, anchor="middle")
    return w


def placeholder(text):
    return [(f"‹{text}›", Style(italic=True))]


def sender_line(canvas, x, baseline, name_runs, color, size=15):
    """Draw a sender name; returns the x just past it (for badges)."""
    canvas.text_line(x, baseline, name_runs, size, color)
    return x + runs_width(name_runs, size) + 10


# ---------------------------------------------------------------------------------------------
# Date helpers (times are rendered in UTC; the real clients use the reader's time zone)


def utc(ts):
    return datetime.datetime.fromtimestamp(int(ts), tz=datetime.timezone.utc)


def ordinal(day):
    if 10 <= day % 100 <= 20:
        return f"{day}th"
    return f"{day}{ {1: 'st', 2: 'nd', 3: 'rd'}.get(day % 10, 'th')}"


def relative(delta):
    future = delta >= 0
    delta = abs(delta)
    for unit, seconds in (("day", 86400), ("hour", 3600), ("minute", 60)):
        if delta >= seconds:
            n = delta // seconds
            amount = f"{'an' if unit == 'hour' and n == 1 else n} {unit}{'s' if n != 1 else ''}"
            if n == 1 and unit != "hour":
                amount = f"a {unit}"
            return f"in {amount}" if future else f"{amount} ago"
    return "now"


def iso_to_ts(text):
    try:
        return int(datetime.datetime.fromisoformat(text.replace("Z", "+00:00")).timestamp())
    except (ValueError, AttributeError):
        return None


# ---------------------------------------------------------------------------------------------
# Slack mrkdwn


def slack_date(token):
    body, _, fallback = token.partition("|")
    parts = body.split("^")
    if len(parts) < 3 or not parts[1].isdigit():
        return fallback or token
    when = utc(parts[1])
    tokens = {
        "{date_num}": when.strftime("%Y-%m-%d"),
        "{date_short}": f"{when.strftime('%b')} {when.day}, {when.year}",
        "{date_short_pretty}": f"{when.strftime('%b')} {ordinal(when.day)}",
        "{date}": f"{when.strftime('%B')} {ordinal(when.day)}, {when.year}",
        "{date_pretty}": f"{when.strftime('%B')} {ordinal(when.day)}",
        "{date_long}": f"{when.strftime('%A, %B')} {ordinal(when.day)}, {when.year}",
        "{time}": when.strftime("%H:%M"),
        "{time_secs}": when.strftime("%H:%M:%S"),
    }
    out = parts[2]
    for key, value in tokens.items():
        out = out.replace(key, value)
    if "{" in out:
        return fallback or token
    return out + " UTC"


def slack_entities(text):
    return text.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")


def slack_mrkdwn(text, link_color, mention_color):
    """Slack mrkdwn to runs: <...> controls, *bold*, _italic_, ~strike~, `code`."""
    runs = []
    state = {"*": False, "_": False, "~": False, "`": False}

    def style():
        return Style(bold=state["*"], italic=state["_"], strike=state["~"], mono=state["`"])

    def boundary(ch):
        return ch == "" or ch.isspace() or (not ch.isalnum() and ch not in "*_~`")

    i = 0
    buf = ""
    while i < len(text):
        ch = text[i]
        if ch == "<" and ">" in text[i:]:
            end = text.index(">", i)
            inner = text[i + 1:end]
            runs.append((slack_entities(buf), style()))
            buf = ""
            if inner.startswith("!date^"):
                runs.append((slack_date(inner), style()))
            elif inner.startswith("!"):
                name = inner[1:].split("|")[0].split("^")[0]
                runs.append((f"@{name}", replace(style(), bold=True, color=mention_color)))
            elif inner.startswith("@") or inner.startswith("#"):
                target, _, label = inner.partition("|")
                shown = inner[0] + label if label else target
                runs.append((shown, replace(style(), bold=True, color=mention_color)))
            else:
                url, _, label = inner.partition("|")
                runs.append((label or url, replace(style(), color=link_color)))
            i = end + 1
            continue
        if ch in state:
            prev = text[i - 1] if i else ""
            nxt = text[i + 1] if i + 1 < len(text) else ""
            if state[ch] and not prev.isspace() and boundary(nxt):
                runs.append((slack_entities(buf), style()))
                buf = ""
                state[ch] = False
                i += 1
                continue
            if not state[ch] and boundary(prev) and nxt and not nxt.isspace():
                close = re.search(re.escape(ch) + r"(?=$|[^\w*_~`])", text[i + 2:].split("\n")[0])
                if close and not text[i + 1 + close.start()].isspace():
                    runs.append((slack_entities(buf), style()))
                    buf = ""
                    state[ch] = True
                    i += 1
                    continue
        buf += ch
        i += 1
    runs.append((slack_entities(buf), style()))
    return [(t, s) for t, s in runs if t]


def recolor(runs, color):
    return [(t, s if s.color else replace(s, color=color)) for t, s in runs]


def render_slack(req):
    body = req.body
    canvas = Canvas(f"Slack preview of {req.name}", "#ffffff")
    y = caption(canvas, req)
    link, mention = "#1264a3", "#1264a3"
    ink, grey = "#1d1c1d", "#616061"
    x0, x = 16, 68
    width = WIDTH - x - 32
    canvas.rect(x0, y + 4, 36, 36, "#4a154b", rx=6)
    name = [(body["username"], Style(bold=True))] if body.get("username") else placeholder(
        "your Slack app")
    bx = sender_line(canvas, x, y + 18, name, ink)
    bx += badge(canvas, bx, y + 17, "APP", "#e8e8e8", "#616061") + 8
    if body.get("channel"):
        canvas.text_line(bx, y + 18, [(f"to {body['channel']}", PLAIN)], 12, grey)
    y += 28
    blocks = body.get("blocks")
    if not isinstance(blocks, list):
        blocks = [{"type": "section", "text": {"type": "mrkdwn", "text": body.get("text", "")}}]

    def slack_text(obj):
        if not isinstance(obj, dict):
            return []
        if obj.get("type") == "mrkdwn":
            return slack_mrkdwn(str(obj.get("text", "")), link, mention)
        return [(str(obj.get("text", "")), PLAIN)]

    for block in blocks:
        kind = block.get("type")
        if kind == "header":
            y = canvas.paragraph(x, y + 4, width, [(t, replace(s, bold=True)) for t, s in
                                                   slack_text(block.get("text"))], 18, ink) + 2
        elif kind == "section":
            if block.get("text"):
                y = canvas.paragraph(x, y + 2, width, slack_text(block["text"]), 15, ink) + 4
            fields = block.get("fields") or []
            col = (width - 16) / 2
            for row in range(0, len(fields), 2):
                bottoms = []
                for index, field in enumerate(fields[row:row + 2]):
                    bottoms.append(canvas.paragraph(x + index * (col + 16), y + 2, col,
                                                    slack_text(field), 15, ink))
                y = max(bottoms) + 4
            if block.get("accessory"):
                y = draw_buttons(canvas, x, y, width, [block["accessory"]], "slack") + 4
        elif kind == "context":
            runs = []
            for element in block.get("elements", []):
                if runs:
                    runs.append(("   ", PLAIN))
                runs += slack_text(element)
            y = canvas.paragraph(x, y + 2, width, recolor(runs, grey), 13, grey) + 4
        elif kind == "actions":
            y = draw_buttons(canvas, x, y + 4, width, block.get("elements", []), "slack") + 6
        elif kind == "divider":
            canvas.rect(x, y + 6, width, 1, "#dddddd")
            y += 14
        else:
            y = canvas.paragraph(x, y, width, [(f"[{kind} block]", Style(italic=True))], 13,
                                 grey)
    canvas.height = y + 16
    return canvas.render()


def draw_buttons(canvas, x, y, width, elements, flavour):
    """Buttons in rows; Slack button elements or Adaptive Card actions."""
    cx = x
    height = 30
    for element in elements:
        label = element.get("title")
        if label is None:
            text = element.get("text")
            label = text.get("text", "") if isinstance(text, dict) else str(text or "")
        label = str(label)
        style = element.get("style", "")
        bold = Style(bold=True)
        w = text_width(label, 14, bold) + 28
        if cx > x and cx + w > x + width:
            cx = x
            y += height + 8
        if flavour == "teams":
            fill, stroke, ink = "#ffffff", "#d1d1d1", "#242424"
        elif style == "primary":
            fill, stroke, ink = "#007a5a", "", "#ffffff"
        elif style == "danger":
            fill, stroke, ink = "#e01e5a", "", "#ffffff"
        else:
            fill, stroke, ink = "#ffffff", "#c4c4c4", "#1d1c1d"
        canvas.rect(cx, y, w, height, fill, rx=4, stroke=stroke)
        canvas.text_line(cx + w / 2, y + 20, [(label, bold)], 14, ink, anchor="middle")
        cx += w + 8
    return y + height


# ---------------------------------------------------------------------------------------------
# Markdown (Mattermost, Discord)

_PUNCT = set("!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~")


def md_inline(text, link_color, discord_ref=None):
    """Inline Markdown to runs: escapes, **bold**, *italic*, _italic_, ~~strike~~, `code`,
    [label](url), bare URLs, and Discord <t:ts:style> timestamps."""
    runs = []
    state = {"**": False, "*": False, "_": False, "~~": False}
    buf = []

    def style():
        return Style(bold=state["**"], italic=state["*"] or state["_"], strike=state["~~"])

    def flush():
        if buf:
            runs.append(("".join(buf), style()))
            buf.clear()

    i = 0
    while i < len(text):
        ch = text[i]
        if ch == "\\" and i + 1 < len(text) and text[i + 1] in _PUNCT:
            buf.append(text[i + 1])
            i += 2
            continue
        if ch == "`":
            end = text.find("`", i + 1)
            if end > i:
                flush()
                runs.append((text[i + 1:end], replace(style(), mono=True)))
                i = end + 1
                continue
        if ch == "[":
            m = re.match(r"\[((?:\\.|[^\]\\])*)\]\(((?:\\.|[^)\\])*)\)", text[i:])
            if m:
                flush()
                for t, s in md_inline(m.group(1), link_color, discord_ref):
                    runs.append((t, replace(s, bold=s.bold or state["**"],
                                            italic=s.italic or state["*"] or state["_"],
                                            color=link_color)))
                i += m.end()
                continue
        if discord_ref is not None and text.startswith("<t:", i):
            m = re.match(r"<t:(-?\d+)(?::([tTdDfFR]))?>", text[i:])
            if m:
                flush()
                runs.append((discord_time(int(m.group(1)), m.group(2) or "f", discord_ref),
                             replace(style(), color="#dbdee1")))
                i += m.end()
                continue
        if text.startswith("https://", i) or text.startswith("http://", i):
            m = re.match(r"https?://[^\s<\\]+[^\s<\\.,:;\"')\]]", text[i:])
            if m:
                flush()
                runs.append((m.group(0), replace(style(), color=link_color)))
                i += m.end()
                continue
        marker = next((mk for mk in ("**", "~~", "*", "_") if text.startswith(mk, i)), None)
        if marker:
            after = text[i + len(marker):i + len(marker) + 1]
            before = text[i - 1] if i else ""
            if state[marker] and before and not before.isspace():
                flush()
                state[marker] = False
                i += len(marker)
                continue
            rest = text[i + len(marker):]
            if (not state[marker] and after and not after.isspace() and marker in rest
                    and not (marker == "_" and before.isalnum())):
                flush()
                state[marker] = True
                i += len(marker)
                continue
        buf.append(ch)
        i += 1
    flush()
    return [(t, s) for t, s in runs if t]


def discord_time(ts, style, ref):
    when = utc(ts)
    date = f"{when.day} {when.strftime('%B %Y')}"
    forms = {"t": when.strftime("%H:%M"), "T": when.strftime("%H:%M:%S"),
             "d": when.strftime("%d/%m/%Y"), "D": date, "f": f"{date} {when.strftime('%H:%M')}",
             "F": f"{when.strftime('%A')}, {date} {when.strftime('%H:%M')}"}
    if style == "R":
        return relative(ts - ref) if ref else forms["f"]
    return forms[style] + " UTC"


def md_blocks(text):
    """Line-level Markdown: headings, quotes, list items, paragraphs (newlines kept)."""
    blocks = []
    for line in text.split("\n"):
        m = re.match(r"(#{1,6}) +(.*)", line)
        if m:
            blocks.append(("h", m.group(2), len(m.group(1))))
        elif re.match(r">( |$)", line):
            if blocks and blocks[-1][0] == "quote":
                blocks[-1] = ("quote", blocks[-1][1] + "\n" + line[2:], 0)
            else:
                blocks.append(("quote", line[2:], 0))
        elif re.match(r"[-*+] ", line):
            blocks.append(("li", line[2:], 0))
        elif not line.strip():
            blocks.append(("gap", "", 0))
        elif blocks and blocks[-1][0] == "p":
            blocks[-1] = ("p", blocks[-1][1] + "\n" + line, 0)
        else:
            blocks.append(("p", line, 0))
    return blocks


def draw_md(canvas, x, y, width, text, theme, discord_ref=None):
    for kind, content, level in md_blocks(text):
        runs = md_inline(content, theme["link"], discord_ref)
        if kind == "h":
            size = {1: 24, 2: 20, 3: 18}.get(level, 16)
            y = canvas.paragraph(x, y + 4, width, [(t, replace(s, bold=True)) for t, s in runs],
                                 size, theme["ink"]) + 2
        elif kind == "quote":
            top = y
            y = canvas.paragraph(x + 14, y + 2, width - 14, runs, theme["size"], theme["ink"])
            canvas.rect(x, top + 2, 4, y - top, theme["quote"], rx=2)
            y += 4
        elif kind == "li":
            canvas.text_line(x + 4, y + theme["size"] * 1.45 * 0.75, [("•", PLAIN)],
                             theme["size"], theme["ink"])
            y = canvas.paragraph(x + 20, y, width - 20, runs, theme["size"], theme["ink"])
        elif kind == "gap":
            y += theme["size"] * 0.7
        else:
            y = canvas.paragraph(x, y, width, runs, theme["size"], theme["ink"])
    return y


def render_mattermost(req):
    body = req.body
    canvas = Canvas(f"Mattermost preview of {req.name}", "#ffffff")
    y = caption(canvas, req)
    theme = {"link": "#1c58d9", "ink": "#3f4350", "quote": "#c4c5c9", "size": 14}
    x = 68
    canvas.circle(36, y + 20, 18, "#1e325c")
    name = [(body["username"], Style(bold=True))] if body.get("username") else placeholder(
        "webhook owner")
    bx = sender_line(canvas, x, y + 18, name, theme["ink"])
    badge(canvas, bx, y + 17, "BOT", "#e0e1e4", "#3f4350")
    y = draw_md(canvas, x, y + 26, WIDTH - x - 32, str(body.get("text", "")), theme)
    if body.get("attachments"):
        y = canvas.paragraph(x, y, WIDTH - x - 32, [("[attachments not previewed]",
                                                     Style(italic=True))], 13, "#888888")
    canvas.height = y + 16
    return canvas.render()


# ---------------------------------------------------------------------------------------------
# Discord


def render_discord(req):
    body = req.body
    canvas = Canvas(f"Discord preview of {req.name}", "#313338")
    y = caption(canvas, req, dark=True)
    ink, muted = "#dbdee1", "#b5bac1"
    theme = {"link": "#00a8fc", "ink": ink, "quote": "#4e5058", "size": 14}
    x = 72
    width = WIDTH - x - 32
    canvas.circle(36, y + 20, 20, "#5865f2")
    name = [(body["username"], Style(bold=True))] if body.get("username") else placeholder(
        "webhook name")
    bx = sender_line(canvas, x, y + 18, name, "#f2f3f5")
    badge(canvas, bx, y + 17, "APP", "#5865f2")
    y += 28
    embeds = body.get("embeds") or []
    ref = next((iso_to_ts(e.get("timestamp", "")) for e in embeds if e.get("timestamp")), None)
    if body.get("content"):
        y = draw_md(canvas, x, y, width, str(body["content"]), theme, ref) + 4
    for embed in embeds:
        y = draw_embed(canvas, x, y + 4, min(width, 560), embed, theme, muted, ref) + 4
    canvas.height = y + 16
    return canvas.render()


def draw_embed(canvas, x, y, width, embed, theme, muted, ref):
    top = y
    inner_x = x + 16
    inner_w = width - 32
    items_at = len(canvas.items)
    y += 10
    if isinstance(embed.get("author"), dict) and embed["author"].get("name"):
        y = canvas.paragraph(inner_x, y, inner_w, [(str(embed["author"]["name"]),
                                                    Style(bold=True))], 13, "#f2f3f5") + 2
    if embed.get("title"):
        color = theme["link"] if embed.get("url") else "#f2f3f5"
        y = canvas.paragraph(inner_x, y, inner_w, [(t, replace(s, bold=True)) for t, s in
                                                   md_inline(str(embed["title"]), color, ref)],
                             15, color) + 2
    if embed.get("description"):
        y = draw_md(canvas, inner_x, y, inner_w, str(embed["description"]), theme, ref) + 4
    fields = [f for f in embed.get("fields") or [] if isinstance(f, dict)]
    row = []

    def flush_row(y):
        if not row:
            return y
        col = inner_w / 3 if len(row) > 1 or row[0].get("inline") else inner_w
        bottoms = []
        for index, field in enumerate(row):
            fx = inner_x + index * col
            fy = canvas.paragraph(fx, y + 4, col - 8, [(str(field.get("name", "")),
                                                        Style(bold=True))], 13, "#f2f3f5")
            bottoms.append(draw_md(canvas, fx, fy, col - 8, str(field.get("value", "")),
                                   theme, ref))
        row.clear()
        return max(bottoms) + 2

    for field in fields:
        if not field.get("inline") or len(row) == 3:
            y = flush_row(y)
        row.append(field)
        if not field.get("inline"):
            y = flush_row(y)
    y = flush_row(y)
    footer = []
    if isinstance(embed.get("footer"), dict) and embed["footer"].get("text"):
        footer.append((str(embed["footer"]["text"]), PLAIN))
    ts = iso_to_ts(embed.get("timestamp", "")) if embed.get("timestamp") else None
    if ts is not None:
        if footer:
            footer.append(("  •  ", PLAIN))
        footer.append((utc(ts).strftime("%Y-%m-%d %H:%M") + " UTC", PLAIN))
    if footer:
        y = canvas.paragraph(inner_x, y + 6, inner_w, footer, 12, muted)
    y += 10
    color = embed.get("color")
    bar = f"#{int(color) & 0xFFFFFF:06x}" if isinstance(color, int) else "#1e1f22"
    frame = [f'<rect x="{fmt(x)}" y="{fmt(top)}" width="{fmt(width)}" height="{fmt(y - top)}" '
             f'rx="4" fill="#2b2d31"/>',
             f'<rect x="{fmt(x)}" y="{fmt(top)}" width="4" height="{fmt(y - top)}" rx="2" '
             f'fill="{bar}"/>']
    canvas.items[items_at:items_at] = frame
    return y


# ---------------------------------------------------------------------------------------------
# Microsoft Teams (Adaptive Card)

TEAMS_COLORS = {"default": "#242424", "attention": "#c4314b", "good": "#237b4b",
                "warning": "#835c00", "accent": "#5b5fc7", "dark": "#242424", "light": "#ffffff"}
TEAMS_SIZES = {"small": 12, "default": 14, "medium": 17, "large": 21, "extralarge": 26}


def teams_style(obj):
    color = TEAMS_COLORS.get(str(obj.get("color", "default")).lower(), "#242424")
    if obj.get("isSubtle") and color == "#242424":
        color = "#616161"
    return Style(bold=str(obj.get("weight", "")).lower() == "bolder",
                 italic=bool(obj.get("italic")), strike=bool(obj.get("strikethrough")),
                 color=color)


def draw_card_elements(canvas, x, y, width, elements):
    for element in elements:
        if not isinstance(element, dict):
            continue
        kind = element.get("type")
        gap = 0 if element.get("spacing") == "None" else 8
        if kind == "TextBlock":
            style = teams_style(element)
            size = TEAMS_SIZES.get(str(element.get("size", "default")).lower(), 14)
            runs = [(t, replace(s, bold=s.bold or style.bold, color=style.color)) for t, s in
                    md_inline(str(element.get("text", "")), "#5b5fc7")]
            y = canvas.paragraph(x, y + gap, width, runs, size, style.color)
        elif kind == "RichTextBlock":
            runs = []
            size = 14
            for inline in element.get("inlines", []):
                if isinstance(inline, str):
                    runs.append((inline, Style(color="#242424")))
                elif isinstance(inline, dict):
                    runs.append((str(inline.get("text", "")), teams_style(inline)))
                    size = max(size, TEAMS_SIZES.get(str(inline.get("size", "default")).lower(),
                                                     14))
            y = canvas.paragraph(x, y + gap, width, runs, size, "#242424")
        elif kind == "FactSet":
            title_w = width * 0.3
            for fact in element.get("facts", []):
                top = y + gap
                a = canvas.paragraph(x, top, title_w - 8, [(str(fact.get("title", "")),
                                                            Style(bold=True))], 14, "#242424")
                b = canvas.paragraph(x + title_w, top, width - title_w,
                                     md_inline(str(fact.get("value", "")), "#5b5fc7"), 14,
                                     "#242424")
                y = max(a, b)
                gap = 2
        elif kind == "Container":
            y = draw_card_elements(canvas, x, y, width, element.get("items", []))
        elif kind == "ColumnSet":
            for column in element.get("columns", []):
                y = draw_card_elements(canvas, x, y, width, column.get("items", []))
        elif kind == "ActionSet":
            y = draw_buttons(canvas, x, y + 12, width, element.get("actions", []), "teams")
        else:
            y = canvas.paragraph(x, y + gap, width, [(f"[{kind}]", Style(italic=True))], 12,
                                 "#616161")
    return y


def render_teams(req):
    canvas = Canvas(f"Microsoft Teams preview of {req.name}", "#f5f5f5")
    y = caption(canvas, req)
    x = 68
    canvas.circle(36, y + 20, 18, "#5b5fc7")
    bx = sender_line(canvas, x, y + 18, placeholder("flow owner"), "#242424", 14)
    canvas.text_line(bx - 4, y + 18, [(" via Workflows", PLAIN)], 14, "#616161")
    y += 30
    attachments = req.body.get("attachments") or []
    for attachment in attachments:
        content = attachment.get("content") if isinstance(attachment, dict) else None
        if not isinstance(content, dict):
            continue
        card_w = WIDTH - x - 24
        top = y
        at = len(canvas.items)
        y = draw_card_elements(canvas, x + 16, y + 8, card_w - 32, content.get("body", []))
        actions = content.get("actions") or []
        if actions:
            y = draw_buttons(canvas, x + 16, y + 14, card_w - 32, actions, "teams")
        y += 16
        canvas.items[at:at] = [f'<rect x="{fmt(x)}" y="{fmt(top)}" width="{fmt(card_w)}" '
                               f'height="{fmt(y - top)}" rx="6" fill="#ffffff" '
                               f'stroke="#e0e0e0"/>']
        y += 8
    canvas.height = y + 8
    return canvas.render()


# ---------------------------------------------------------------------------------------------
# HTML (Matrix formatted_body, Telegram parse_mode HTML)


class HtmlBlocks(HTMLParser):
    """Reduces HTML to blocks of runs: ('p'|'quote'|'li'|'pre'|'h<n>', runs)."""

    def __init__(self, link_color, collapse_whitespace):
        super().__init__(convert_charrefs=True)
        self.link_color = link_color
        self.collapse = collapse_whitespace
        self.blocks = []
        self.runs = []
        self.kind = "p"
        self.quote = 0
        self.pre = 0
        self.lists = []
        self.flags = {"b": 0, "i": 0, "s": 0, "u": 0, "code": 0, "a": 0}

    _INLINE = {"b": "b", "strong": "b", "i": "i", "em": "i", "s": "s", "del": "s",
               "strike": "s", "u": "u", "ins": "u", "code": "code", "a": "a"}

    def style(self):
        f = self.flags
        return Style(bold=f["b"] > 0, italic=f["i"] > 0, strike=f["s"] > 0,
                     underline=f["u"] > 0, mono=f["code"] > 0 or self.pre > 0,
                     color=self.link_color if f["a"] else "")

    def flush(self):
        runs = [(t, s) for t, s in self.runs if t]
        while runs and runs[-1][0].endswith("\n"):
            runs[-1] = (runs[-1][0][:-1], runs[-1][1])
            runs = [(t, s) for t, s in runs if t]
        if not self.collapse and runs and runs[0][0].startswith("\n"):
            runs[0] = (runs[0][0][1:], runs[0][1])
        if any(t.strip() for t, _ in runs):
            self.blocks.append((self.kind, runs))
        self.runs = []

    def after_block(self):
        self.flush()
        self.kind = "quote" if self.quote else "p"

    def handle_starttag(self, tag, attrs):
        if tag in self._INLINE:
            self.flags[self._INLINE[tag]] += 1
        elif tag == "br":
            self.runs.append(("\n", self.style()))
        elif tag in ("p", "div"):
            self.flush()
        elif tag == "blockquote":
            self.flush()
            self.quote += 1
            self.kind = "quote"
        elif tag in ("ul", "ol"):
            self.flush()
            self.lists.append([tag, 0])
        elif tag == "li":
            self.flush()
            self.kind = "li"
            if self.lists and self.lists[-1][0] == "ol":
                self.lists[-1][1] += 1
                self.runs.append((f"{self.lists[-1][1]}. ", PLAIN))
        elif re.fullmatch(r"h[1-6]", tag):
            self.flush()
            self.kind = tag
        elif tag == "pre":
            self.flush()
            self.pre += 1
            self.kind = "pre"

    def handle_endtag(self, tag):
        if tag in self._INLINE:
            key = self._INLINE[tag]
            self.flags[key] = max(0, self.flags[key] - 1)
        elif tag == "blockquote":
            self.flush()
            self.quote = max(0, self.quote - 1)
            self.kind = "quote" if self.quote else "p"
        elif tag in ("ul", "ol"):
            self.after_block()
            if self.lists:
                self.lists.pop()
        elif tag == "pre":
            self.pre = max(0, self.pre - 1)
            self.after_block()
        elif tag in ("p", "div", "li") or re.fullmatch(r"h[1-6]", tag):
            self.after_block()

    def handle_data(self, data):
        if self.collapse and not self.pre:
            data = re.sub(r"\s+", " ", data)
        self.runs.append((data, self.style()))


def html_blocks(text, link_color, collapse_whitespace):
    parser = HtmlBlocks(link_color, collapse_whitespace)
    parser.feed(text)
    parser.close()
    parser.flush()
    return parser.blocks


def draw_html_blocks(canvas, x, y, width, blocks, theme):
    size, ink = theme["size"], theme["ink"]
    for kind, runs in blocks:
        if kind == "quote":
            top = y
            at = len(canvas.items)
            y = canvas.paragraph(x + 12, y + 4, width - 18, runs, size, ink) + 4
            shapes = []
            if theme.get("quote_fill"):
                shapes.append(f'<rect x="{fmt(x)}" y="{fmt(top + 2)}" width="{fmt(width)}" '
                              f'height="{fmt(y - top - 2)}" rx="4" fill="{theme["quote_fill"]}"/>')
            shapes.append(f'<rect x="{fmt(x)}" y="{fmt(top + 2)}" width="3" '
                          f'height="{fmt(y - top - 2)}" fill="{theme["quote"]}"/>')
            canvas.items[at:at] = shapes
            y += 4
        elif kind == "li":
            canvas.text_line(x + 4, y + size * 1.45 * 0.75, [("•", PLAIN)], size, ink)
            y = canvas.paragraph(x + 20, y, width - 20, runs, size, ink)
        elif kind.startswith("h"):
            y = canvas.paragraph(x, y + 4, width, [(t, replace(s, bold=True)) for t, s in runs],
                                 size + 3, ink)
        else:
            y = canvas.paragraph(x, y, width, runs, size, ink)
    return y


def render_matrix(req):
    body = req.body
    canvas = Canvas(f"Matrix (Element) preview of {req.name}", "#ffffff")
    y = caption(canvas, req)
    x = 64
    theme = {"size": 15, "ink": "#17191c", "link": "#0086e6", "quote": "#c1c6cd"}
    canvas.circle(36, y + 18, 16, "#0dbd8b")
    bx = sender_line(canvas, x, y + 18, placeholder("bot account"), "#0dbd8b")
    msgtype = body.get("msgtype", "")
    canvas.text_line(bx, y + 18, [(str(msgtype), PLAIN)], 12, "#737d8c")
    y += 26
    if body.get("format") == "org.matrix.custom.html" and "formatted_body" in body:
        blocks = html_blocks(str(body["formatted_body"]), theme["link"], True)
    else:
        blocks = [("p", [(str(body.get("body", "")), PLAIN)])]
    y = draw_html_blocks(canvas, x, y, WIDTH - x - 32, blocks, theme)
    canvas.height = y + 16
    return canvas.render()


def render_telegram(req):
    body = req.body
    canvas = Canvas(f"Telegram preview of {req.name}", "#c9d9b0")
    y = caption(canvas, req)
    theme = {"size": 15, "ink": "#000000", "link": "#168acd", "quote": "#3a8dd6",
             "quote_fill": "#e8f1fa"}
    x, bubble_w = 64, WIDTH - 64 - 60
    canvas.circle(36, y + 20, 18, "#3a8dd6")
    top = y
    at = len(canvas.items)
    inner_x, inner_w = x + 12, bubble_w - 24
    y = canvas.paragraph(inner_x, y + 8, inner_w, placeholder("your bot"), 14, "#3a8dd6")
    text = str(body.get("text", ""))
    if str(body.get("parse_mode", "")).upper() == "HTML":
        blocks = html_blocks(text, theme["link"], False)
    else:
        blocks = [("p", [(text, PLAIN)])]
    y = draw_html_blocks(canvas, inner_x, y + 2, inner_w, blocks, theme) + 10
    canvas.items[at:at] = [f'<rect x="{fmt(x)}" y="{fmt(top)}" width="{fmt(bubble_w)}" '
                           f'height="{fmt(y - top)}" rx="12" fill="#ffffff"/>']
    canvas.height = y + 16
    return canvas.render()


# ---------------------------------------------------------------------------------------------
# Generic webhook


def json_runs(line, colors):
    runs = []
    pos = 0
    for m in re.finditer(r'"(?:[^"\\]|\\.)*"(\s*:)?|-?\d[\d.eE+-]*|true|false|null', line):
        if m.start() > pos:
            runs.append((line[pos:m.start()], PLAIN))
        token = m.group(0)
        if m.group(1):
            key = token[:len(token) - len(m.group(1))]
            runs.append((key, Style(color=colors["key"])))
            runs.append((m.group(1), PLAIN))
        elif token.startswith('"'):
            runs.append((token, Style(color=colors["string"])))
        else:
            runs.append((token, Style(color=colors["literal"])))
        pos = m.end()
    runs.append((line[pos:], PLAIN))
    return [(t, replace(s, mono=True)) for t, s in runs if t]


def render_webhook(req):
    canvas = Canvas(f"Generic webhook request {req.name}", "#1e1e1e")
    y = caption(canvas, req, dark=True)
    colors = {"key": "#9cdcfe", "string": "#ce9178", "literal": "#b5cea8"}
    mono = Style(mono=True)
    size, lh = 12, 17
    x, width = 16, WIDTH - 32
    y = canvas.paragraph(x, y, width, [(f"{req.method} {req.url}", replace(mono, bold=True))],
                         size, "#dcdcaa", lh)
    for name, value in req.headers:
        color = "#4ec9b0" if name.lower().startswith("webhook-") else "#9aa0a6"
        y = canvas.paragraph(x, y, width, [(f"{name}: ", replace(mono, color=color)),
                                           (value, mono)], size, "#d4d4d4", lh)
    y += 6
    canvas.text_line(x, y + 10, [("body, pretty-printed:", Style(italic=True))], 11, "#6a9955")
    y += 16
    pretty = json.dumps(req.body, indent=2, ensure_ascii=False)
    for line in pretty.split("\n"):
        indent = len(line) - len(line.lstrip(" "))
        runs = json_runs(line.lstrip(" "), colors)
        y = canvas.paragraph(x + indent * size * MONO_ADVANCE, y,
                             width - indent * size * MONO_ADVANCE, runs, size, "#d4d4d4", lh)
    canvas.height = y + 12
    return canvas.render()


RENDERERS = {"slack": render_slack, "slack_api": render_slack, "mattermost": render_mattermost,
             "teams": render_teams, "discord": render_discord, "matrix": render_matrix,
             "telegram": render_telegram, "webhook": render_webhook}


def render_all():
    out = {}
    for service in SERVICES:
        for kind in KINDS:
            name = f"{service}_{kind}"
            req = parse_http(GOLDEN_DIR / f"{name}.http")
            try:
                out[f"{name}.svg"] = RENDERERS[service](req)
            except (AttributeError, KeyError, TypeError, ValueError) as err:
                raise PreviewError(f"{name}.http: unexpected shape: {err!r}") from err
    return out


def main(argv):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--check", action="store_true",
                        help="exit 1 if any committed SVG differs from a fresh render")
    args = parser.parse_args(argv)
    try:
        rendered = render_all()
    except (OSError, PreviewError) as err:
        print(f"render_previews: {err}", file=sys.stderr)
        return 2
    stale = []
    for name, svg in sorted(rendered.items()):
        path = OUT_DIR / name
        data = svg.encode("utf-8")
        current = path.read_bytes() if path.exists() else None
        if current == data:
            continue
        if args.check:
            stale.append(name)
        else:
            path.write_bytes(data)
            print(f"wrote {path.relative_to(ROOT)} ({len(data)} bytes)")
    if stale:
        for name in stale:
            print(f"stale: docs/previews/{name}", file=sys.stderr)
        print("run: python3 docs/previews/render_previews.py", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
