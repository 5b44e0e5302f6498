"""`govcrawl report OUTPUT_DIR --html FILE`: the coverage report, one self-contained HTML file.

No script, no stylesheet or font from elsewhere: it opens offline. Charts are inline SVG and
HTML tables, so their Chinese is text drawn by the browser. So that it is drawn also where the
reader has no CJK font, the file carries one: the glyphs it uses, cut from the CJK font of the
machine that writes it (fontconfig's choice for Chinese, e.g. Debian's fonts-wqy-microhei) with
fontTools, as an embedded WOFF2. Every figure shown also sits in a data-* attribute, so a test
can read the numbers the page shows.

- per portal, a unit × year grid: found, missing (a gap in the unit's series), tables as
  images, failing checks;
- reports found per run over time;
- failing-check rates by rule and year (the report's own checks and the cross-year ones);
- the cross-year failures, with links to both reports;
- the gaps in each unit's series.
"""

from __future__ import annotations

import base64
import io
import shutil
import subprocess
from collections import Counter, defaultdict
from html import escape
from pathlib import Path

from fontTools import subset
from fontTools.ttLib import TTFont

from govcrawl.corpus.catalogue import Catalogue
from govcrawl.corpus.cross_year import cross_year_checks, gaps, series
from govcrawl.corpus.progress import Progress
from govcrawl.corpus.records import CorpusReport, current_reports, series_key

EMBEDDED_FONT = "govcrawl CJK"
STYLE = """
body { font-family: "Noto Sans CJK SC", "Source Han Sans SC", "PingFang SC", "Microsoft YaHei", "WenQuanYi Micro Hei",
       "govcrawl CJK", sans-serif;
       margin: 2em; color: #222; }
table { border-collapse: collapse; margin: 0.5em 0 1.5em; font-size: 13px; }
th, td { border: 1px solid #ccc; padding: 2px 6px; text-align: center; }
th.unit { text-align: left; font-weight: normal; white-space: nowrap; }
td.found { background: #9bd49b; } td.missing { background: #eee; color: #999; }
td.images { background: #f3c46b; } td.failing { background: #e88a8a; }
.legend span { display: inline-block; padding: 1px 8px; margin-right: 6px; border: 1px solid #ccc; }
svg text { font-size: 11px; fill: #222; }
"""
STATE_TEXT = {"found": "✓", "missing": "缺", "images": "图", "failing": "✗"}
STATE_MEANING = {"found": "found", "missing": "missing (a gap in the series)", "images": "tables as images",
                 "failing": "failing checks (number)"}
BAR_WIDTH, BAR_GAP, CHART_HEIGHT = 56, 10, 160


def rule_family(rule: str) -> str:
    """applications_balance.natural_person → applications_balance; cross_year.carried_over.total →
    cross_year.carried_over; cross_year.normative_docs_in_force stays whole."""
    parts = rule.split(".")
    return ".".join(parts[:2]) if parts[0] == "cross_year" else parts[0]


def write_report(catalogue: Catalogue, path: Path, progress: Progress | None = None) -> None:
    progress = progress or Progress.quiet()
    reports = current_reports(catalogue)
    cross = cross_year_checks(reports)
    sections = [
        lambda: _summary(catalogue, reports, cross),
        lambda: _grids(reports),
        lambda: _runs_chart(catalogue),
        lambda: _failing_rates(reports, cross),
        lambda: _cross_year_failures(reports, cross),
        lambda: _gaps(reports),
    ]
    body = "\n".join(section() for section in progress.track(sections, "report"))
    font = embedded_font(body)
    if font is None:
        progress.note("report: no CJK font on this machine (fc-match :lang=zh-cn); the reader's fonts draw the Chinese")
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(
        "<!DOCTYPE html>\n<html lang=\"zh-Hans\"><head><meta charset=\"utf-8\">"
        "<title>govcrawl corpus coverage</title>"
        f"<style>{font or ''}{STYLE}</style></head><body>\n{body}\n</body></html>\n",
        encoding="utf-8",
    )


def cjk_font_file() -> Path | None:
    """The font fontconfig chooses for Chinese, if it has Chinese glyphs (fc-match always
    answers, with a Latin font when there is no CJK one)."""
    if shutil.which("fc-match") is None:
        return None
    found = subprocess.run(["fc-match", "-f", "%{file}", ":lang=zh-cn"], capture_output=True, text=True, timeout=30)
    path = Path(found.stdout.strip())
    if found.returncode != 0 or not path.is_file():
        return None
    font = TTFont(path, fontNumber=0, lazy=True)
    return path if ord("中") in font.getBestCmap() else None


def embedded_font(text: str) -> str | None:
    """An @font-face rule carrying the glyphs of `text` from the machine's CJK font, or None."""
    path = cjk_font_file()
    if path is None:
        return None
    font = TTFont(path, fontNumber=0)
    options = subset.Options(flavor="woff2")
    options.drop_tables.append("FFTM")  # FontForge's time stamps: nothing a browser reads
    subsetter = subset.Subsetter(options)
    subsetter.populate(text="".join(sorted(set(text))))
    subsetter.subset(font)
    data = io.BytesIO()
    font.flavor = "woff2"
    font.save(data)
    encoded = base64.b64encode(data.getvalue()).decode("ascii")
    return f'@font-face {{ font-family: "{EMBEDDED_FONT}"; src: url(data:font/woff2;base64,{encoded}) format("woff2"); }}\n'


def _summary(catalogue: Catalogue, reports: list[CorpusReport], cross: list[dict]) -> str:
    runs = catalogue.rows("runs", "started_at, run_id")
    failing = sum(c["status"] == "fail" for r in reports for c in r.record["checks"])
    figures = {
        "runs": len(runs),
        "reports": len(reports),
        "units": len({series_key(r.record) for r in reports}),
        "failing-checks": failing,
        "cross-year-failures": sum(c["status"] == "fail" for c in cross),
        "gone": sum(r.record["gone_since"] is not None for r in reports),
    }
    items = "".join(f'<li>{escape(name.replace("-", " "))}: <b data-figure="{name}">{value}</b></li>' for name, value in figures.items())
    latest = escape(runs[-1]["finished_at"]) if runs else "—"
    return f"<h1>Corpus coverage</h1><p>as of the last run, finished {latest}</p><ul>{items}</ul>"


def _grids(reports: list[CorpusReport]) -> str:
    legend = "".join(f'<span class="{s}">{STATE_TEXT[s]} {STATE_MEANING[s]}</span>' for s in STATE_TEXT)
    parts = [f'<h2>Reports per unit and year, by portal</h2><p class="legend">{legend}</p>']
    by_portal: dict[str, list[CorpusReport]] = defaultdict(list)
    for report in reports:
        by_portal[report.record["portal"] or "?"].append(report)
    for portal in sorted(by_portal):
        units = series(by_portal[portal])
        if not units:
            continue
        years = range(min(min(y) for y in units.values()), max(max(y) for y in units.values()) + 1)
        header = "".join(f"<th>{year}</th>" for year in years)
        rows = []
        for unit in sorted(units):
            cells = "".join(_grid_cell(unit, year, units[unit]) for year in years)
            rows.append(f'<tr><th class="unit">{escape(unit[1])} <small>{escape(unit[0])}</small></th>{cells}</tr>')
        found = sum(len(y) for y in units.values())
        parts.append(
            f'<h3 data-portal="{escape(portal)}" data-unit-years="{found}" data-units="{len(units)}">{escape(portal)}: '
            f"{found} unit-years, {len(units)} units</h3>"
            f'<table class="grid" data-portal="{escape(portal)}"><tr><th>unit</th>{header}</tr>{"".join(rows)}</table>'
        )
    return "\n".join(parts)


def _grid_cell(unit: tuple[str, str], year: int, years: dict[int, list[CorpusReport]]) -> str:
    here = years.get(year)
    if not here:
        if min(years) < year < max(years):
            return f'<td class="missing" data-unit="{escape(unit[1])}" data-year="{year}" data-state="missing">{STATE_TEXT["missing"]}</td>'
        return "<td></td>"
    failing = sum(c["status"] == "fail" for r in here for c in r.record["checks"])
    if failing:
        state, text = "failing", f'{STATE_TEXT["failing"]}{failing}'
    elif any("tables_as_images" in r.record["flags"] for r in here):
        state, text = "images", STATE_TEXT["images"]
    else:
        state, text = "found", STATE_TEXT["found"] + (f"×{len(here)}" if len(here) > 1 else "")
    titles = escape(" / ".join(r.record["title"] or "" for r in here))
    return (f'<td class="{state}" data-unit="{escape(unit[1])}" data-year="{year}" data-state="{state}" '
            f'data-reports="{len(here)}" data-failing="{failing}" title="{titles}">{text}</td>')


def _runs_chart(catalogue: Catalogue) -> str:
    runs = catalogue.rows("runs", "started_at, run_id")
    seen = Counter(s["run_id"] for s in catalogue.sightings())
    if not runs:
        return "<h2>Reports found per run</h2><p>no runs</p>"
    top = max(max(seen.values(), default=0), 1)
    width = len(runs) * (BAR_WIDTH + BAR_GAP) + BAR_GAP
    bars = []
    for i, run in enumerate(runs):
        count = seen.get(run["run_id"], 0)
        height = round((CHART_HEIGHT - 40) * count / top)
        x, y = BAR_GAP + i * (BAR_WIDTH + BAR_GAP), CHART_HEIGHT - 20 - height
        bars.append(
            f'<g data-run="{escape(run["run_id"])}" data-spider="{escape(run["spider"])}" data-reports="{count}">'
            f"<title>{escape(run['spider'])} {escape(run['started_at'])}: {count} reports</title>"
            f'<rect x="{x}" y="{y}" width="{BAR_WIDTH}" height="{height}" fill="#4a7fb5"></rect>'
            f'<text x="{x + BAR_WIDTH / 2}" y="{y - 4}" text-anchor="middle">{count}</text>'
            f'<text x="{x + BAR_WIDTH / 2}" y="{CHART_HEIGHT - 6}" text-anchor="middle">{escape(run["spider"][:9])}</text></g>'
        )
    listing = "".join(
        f"<tr><td>{escape(run['run_id'])}</td><td>{escape(run['spider'])}</td><td>{escape(run['status'] or '')}</td>"
        f"<td>{escape(run['started_at'])}</td><td>{seen.get(run['run_id'], 0)}</td></tr>"
        for run in runs
    )
    return (
        "<h2>Reports found per run</h2>"
        f'<svg class="runs" width="{width}" height="{CHART_HEIGHT}" role="img" aria-label="reports found per run">{"".join(bars)}</svg>'
        f"<table><tr><th>run</th><th>spider</th><th>status</th><th>started</th><th>reports</th></tr>{listing}</table>"
    )


def _failing_rates(reports: list[CorpusReport], cross: list[dict]) -> str:
    assessed: Counter = Counter()
    failed: Counter = Counter()
    checks = [(c["rule"], c["status"], r.record["year"]) for r in reports for c in r.record["checks"]]
    checks += [(c["rule"], c["status"], c["year"]) for c in cross]
    for rule, status, year in checks:
        if status != "not_assessable" and year is not None:
            assessed[(rule_family(rule), year)] += 1
            failed[(rule_family(rule), year)] += status == "fail"
    if not assessed:
        return "<h2>Failing checks by rule and year</h2><p>no assessable checks</p>"
    families = sorted({f for f, _y in assessed})
    years = sorted({y for _f, y in assessed})
    rows = []
    for family in families:
        cells = []
        for year in years:
            n = assessed.get((family, year), 0)
            if not n:
                cells.append("<td></td>")
                continue
            k = failed[(family, year)]
            shade = f"rgba(214, 60, 60, {0.1 + 0.9 * k / n:.2f})" if k else "#e8f5e8"
            cells.append(f'<td style="background:{shade}" data-rule="{escape(family)}" data-year="{year}" data-failed="{k}" '
                         f'data-assessed="{n}" title="{k} of {n} failed">{100 * k / n:.0f}%<br><small>{k}/{n}</small></td>')
        rows.append(f'<tr><th class="unit">{escape(family)}</th>{"".join(cells)}</tr>')
    header = "".join(f"<th>{y}</th>" for y in years)
    return ("<h2>Failing checks by rule and year</h2><p>share of assessable checks that fail (failed/assessed)</p>"
            f'<table class="rates"><tr><th>rule</th>{header}</tr>{"".join(rows)}</table>')


def _cross_year_failures(reports: list[CorpusReport], cross: list[dict]) -> str:
    by_id = {r.record["id"]: r.record for r in reports}
    failures = [c for c in cross if c["status"] == "fail"]
    rows = []
    for check in failures:
        later, earlier = by_id[check["report_id"]], by_id[check["other_report_id"]]
        rows.append(
            f'<tr class="cross-year-failure" data-rule="{escape(check["rule"])}" data-report="{later["id"]}" data-other="{earlier["id"]}">'
            f"<td>{escape(later['unit']['name'])}</td><td>{escape(check['rule'])}{' (soft)' if check['soft'] else ''}</td>"
            f"<td>{check['left']}</td><td>{check['right']}</td>"
            f'<td><a href="{escape(later["url"] or "")}">{later["year"]}</a></td>'
            f'<td><a href="{escape(earlier["url"] or "")}">{earlier["year"]}</a></td></tr>'
        )
    table = (f"<table><tr><th>unit</th><th>rule</th><th>left</th><th>right</th><th>report</th><th>previous year's</th></tr>"
             f"{''.join(rows)}</table>") if rows else "<p>none</p>"
    return f'<h2>Cross-year failures (<span data-figure="cross-year-rows">{len(failures)}</span>)</h2>{table}'


def _gaps(reports: list[CorpusReport]) -> str:
    found = gaps(reports)
    items = "".join(
        f'<li data-unit="{escape(unit[1])}" data-missing="{" ".join(map(str, years))}">{escape(unit[1])} ({escape(unit[0])}): '
        f"{', '.join(map(str, years))}</li>"
        for unit, years in sorted(found.items())
    )
    return f"<h2>Gaps in the series</h2><ul>{items}</ul>" if items else "<h2>Gaps in the series</h2><p>none</p>"
