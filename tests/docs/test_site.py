"""What the built site must be: offline, linked, every page's figures there.

These read ``docs/_build/html`` (see ``conftest.py``) and are skipped when it is not built.
"""

import html
import re
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

import gym_inventory

TUTORIALS = (
    "01_first_steps",
    "02_rules_vs_optimum",
    "03_ppo_vs_rules",
    "04_multi_product",
    "05_custom_demand",
    "06_instacart",
)
ENV_PAGES = (*gym_inventory.ENV_IDS, "multi_product_v0", "supply_chain_v0")


class Refs(HTMLParser):
    """The ``(tag, attribute, value)`` of every src/href of a page."""

    def __init__(self) -> None:
        super().__init__()
        self.refs: list[tuple[str, str, str]] = []

    def handle_starttag(self, tag, attrs):
        for name, value in attrs:
            if name in ("src", "href") and value:
                self.refs.append((tag, name, value))


def refs(page: Path) -> list[tuple[str, str, str]]:
    parser = Refs()
    parser.feed(page.read_text(encoding="utf-8"))
    return parser.refs


def text_of(page: Path) -> str:
    """The page's visible text, roughly (tags and scripts removed)."""
    t = re.sub(r"<(script|style)\b.*?</\1>", " ", page.read_text(encoding="utf-8"), flags=re.S)
    return html.unescape(re.sub(r"<[^>]+>", " ", t))


def test_no_page_loads_a_script_style_or_font_from_the_network(site, site_pages):
    remote = [
        (p.relative_to(site), tag, value)
        for p in site_pages
        for tag, attr, value in refs(p)
        if tag in ("script", "link")
        and (urlsplit(value).scheme in ("http", "https") or value.startswith("//"))
    ]
    assert remote == []
    css = [
        (c.relative_to(site), m)
        for c in site.rglob("*.css")
        for m in re.findall(r"url\(\s*['\"]?(?:https?:)?//[^)]*\)", c.read_text(errors="replace"))
    ]
    assert css == []


def test_math_is_rendered_by_the_local_mathjax(site):
    page = site / "generated" / "tutorials" / "02_rules_vs_optimum.html"
    scripts = [v for tag, _, v in refs(page) if tag == "script" and "mathjax" in v.lower()]
    assert scripts, "the tutorial has math, so MathJax must be loaded"
    for src in scripts:
        assert (page.parent / urlsplit(src).path).resolve().is_file(), src
    fonts = site / "_static" / "mathjax" / "output" / "chtml" / "fonts" / "woff-v2"
    assert any(fonts.glob("MathJax_Main-Regular.woff"))


def test_every_internal_link_and_image_resolves(site, site_pages):
    broken = []
    for page in site_pages:
        for tag, _, value in refs(page):
            url = urlsplit(value)
            if url.scheme or value.startswith(("#", "//", "mailto:")):
                continue
            target = (page.parent / unquote(url.path)).resolve() if url.path else page
            if not target.exists():
                broken.append((str(page.relative_to(site)), tag, value))
    assert broken == []


def test_no_cross_reference_is_left_as_literal_role_text(site, site_pages):
    literal = re.compile(r"[:{](?:class|func|meth|mod|data|attr|exc|obj|doc|ref)[:}]`")
    found = [(p.relative_to(site), m) for p in site_pages for m in literal.findall(text_of(p))]
    assert found == []


def test_narrative_cross_references_resolve(site, site_pages):
    """Roles in the Markdown pages and tutorials link somewhere (an unresolved one is
    rendered as a bare ``<code class="xref ...">`` outside any ``<a>``)."""
    unresolved = re.compile(r'(?<!">)<code class="xref (?:py|std)[^"]*"><span class="pre">([^<]+)')
    narrative = [p for p in site_pages if p.name not in ("api.html", "genindex.html")]
    found = [
        (str(p.relative_to(site)), m)
        for p in narrative
        for m in unresolved.findall(p.read_text(encoding="utf-8"))
    ]
    assert found == []


def test_each_env_page_shows_its_frame_and_spaces_table(site):
    for name in ENV_PAGES:
        page = site / "environments" / f"{name}.html"
        text = page.read_text(encoding="utf-8")
        assert "Action Space" in text and "Observation Space" in text, name
        images = [v for tag, attr, v in refs(page) if tag == "img" and name in v]
        assert images, f"{name}: no rendered frame"
        frame = (page.parent / unquote(images[0])).resolve()
        assert frame.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n", frame


def test_each_tutorial_ran_and_shows_its_figure(site):
    for name in TUTORIALS:
        page = site / "generated" / "tutorials" / f"{name}.html"
        figures = [v for tag, _, v in refs(page) if tag == "img" and "sphx_glr_" + name in v]
        assert figures, f"{name}: no figure"
        assert "sphx-glr-script-out" in page.read_text(encoding="utf-8"), f"{name}: no output"


def test_index_links_the_leaderboard_tutorials_and_envs(site):
    targets = {urlsplit(v).path for tag, _, v in refs(site / "index.html") if tag == "a"}
    wanted = {"leaderboard.html", "generated/tutorials/index.html", "environments/index.html"}
    assert wanted <= targets
    assert "Leaderboard" in text_of(site / "leaderboard.html")
