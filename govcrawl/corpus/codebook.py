"""The codebook: every statutory figure's key, its table, its Chinese labels as the national
formats print them, and which formats have it (report-format.md §2–3).

The labels come from the engine's label tables (govcrawl/extract/tables/labels.py), so the
codebook and the reader cannot drift apart. What the label tables do not say is which columns
each block of 表二 has in each format; that is ACTIVE_DISCLOSURE_LAYOUT below.
"""

from __future__ import annotations

from dataclasses import dataclass

from govcrawl.extract.tables.labels import (
    ACTIVE_DISCLOSURE_COLUMNS,
    ACTIVE_DISCLOSURE_ROWS,
    APPLICATION_COLUMNS,
    APPLICATION_GROUPS,
    APPLICATION_ROWS,
    APPLICATION_SUBROWS,
    GOV2019,
    GOV2021,
    REVIEW_GROUPS,
    REVIEW_OUTCOMES,
    SINGLE_ROW_GROUPS,
)

TABLE_LABELS = {"active_disclosure": "表二 主动公开政府信息情况", "applications": "表三 收到和处理政府信息公开申请情况",
                "review_litigation": "表四 政府信息公开行政复议、行政诉讼情况"}
# 表二: the columns of each block, per format (report-format.md §2.1, §3.2).
ACTIVE_DISCLOSURE_LAYOUT = {
    GOV2019: {
        "art20_1": ("new_made", "new_published", "total_published"),
        "art20_5": ("prev_year_items", "items_change", "decisions"),
        "art20_6": ("prev_year_items", "items_change", "decisions"),
        "art20_8": ("prev_year_items", "items_change"),
        "art20_9": ("project_count", "amount_wan_yuan"),
    },
    GOV2021: {
        "art20_1": ("issued", "repealed", "in_force"),
        "art20_5": ("decisions",),
        "art20_6": ("decisions",),
        "art20_8": ("amount_wan_yuan",),
    },
}
APPLICATION_COLUMN_LABELS = {
    "natural_person": "自然人", "org_commercial": "法人或其他组织 商业企业", "org_research": "法人或其他组织 科研机构",
    "org_public_welfare": "法人或其他组织 社会公益组织", "org_legal_service": "法人或其他组织 法律服务机构",
    "org_other": "法人或其他组织 其他", "total": "总计",
}
_ORDINALS = "一二三四五六七八九十"
FORMATS = (GOV2019, GOV2021)


@dataclass(frozen=True)
class Entry:
    key: str  # table.row.col, the panel's column name
    table: str
    row: str
    col: str
    row_label: str
    col_label: str
    formats: tuple[str, ...]
    unit: str  # 件 or 万元 (counts, or money in 万元)

    @property
    def label(self) -> str:
        return f"{self.row_label} / {self.col_label}"

    def as_row(self) -> dict:
        return {"key": self.key, "table": self.table, "table_label": TABLE_LABELS[self.table], "row": self.row, "col": self.col,
                "label": self.label, "row_label": self.row_label, "col_label": self.col_label,
                "formats": " ".join(self.formats), "unit": self.unit}


def codebook() -> list[Entry]:
    entries: dict[str, dict] = {}

    def add(table, row, col, row_label, col_label, fmt, unit="件"):
        key = f"{table}.{row}.{col}"
        entry = entries.setdefault(key, {"table": table, "row": row, "col": col, "row_labels": {}, "col_labels": {},
                                         "formats": [], "unit": unit})
        entry["row_labels"].setdefault(row_label, None)
        entry["col_labels"].setdefault(col_label, None)
        entry["formats"].append(fmt)

    for fmt in FORMATS:
        for block, columns in ACTIVE_DISCLOSURE_LAYOUT[fmt].items():
            for row, row_label, row_format in ACTIVE_DISCLOSURE_ROWS[block]:
                if row_format not in (None, fmt):
                    continue
                for col in columns:
                    col_label, unit = next((label, unit) for key, label, col_format, unit in ACTIVE_DISCLOSURE_COLUMNS
                                           if key == col and col_format == fmt)
                    add("active_disclosure", row, col, row_label, col_label, fmt,
                        "万元" if col == "amount_wan_yuan" else unit or "件")
        for row, col_label_row in _application_rows(fmt):
            for col in APPLICATION_COLUMNS:
                add("applications", row, col, col_label_row, APPLICATION_COLUMN_LABELS[col], fmt)
        for group, group_label in REVIEW_GROUPS:
            for outcome, outcome_label in REVIEW_OUTCOMES:
                add("review_litigation", group, outcome, group_label, outcome_label, fmt)
    return [
        Entry(key, e["table"], e["row"], e["col"], " | ".join(e["row_labels"]), " | ".join(e["col_labels"]), tuple(e["formats"]), e["unit"])
        for key, e in entries.items()
    ]


def _application_rows(fmt: str) -> list[tuple[str, str]]:
    """表三's data rows in the order the table prints them, with their printed labels."""
    top = {key: (f"{_ORDINALS[number - 1]}、" if level == "section" else f"（{_ORDINALS[number - 1]}）") + label
           for key, level, number, label in APPLICATION_ROWS}
    rows = [(k, top[k]) for k in ("new_received", "carried_over_in", "granted", "partially_granted")]
    for group, number, group_label in APPLICATION_GROUPS:
        heading = f"（{_ORDINALS[number - 1]}）{group_label}"
        if group in SINGLE_ROW_GROUPS and fmt == GOV2019:
            rows.append((group, heading))
            continue
        rows += [(f"{group}.{sub}", f"{heading} {n}.{label}") for sub, n, label in APPLICATION_SUBROWS[group]]
    rows += [(k, top[k]) for k in ("results_total", "carried_over_out")]
    return rows
