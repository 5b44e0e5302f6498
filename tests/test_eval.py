"""The evaluator: gold fields reproduced, every difference listed, the summary last."""

import copy
import json
from pathlib import Path

from govcrawl.extract import extract_file
from govcrawl.evaluate import evaluate, format_evaluation, score_record

SEED = "000_5ec2f74a97fd9e7f"


def _gold_and_record(shared):
    gold = json.loads((shared / "gold" / f"{SEED}.json").read_text(encoding="utf-8"))
    return gold, extract_file(shared / "seeds" / f"{SEED}.txt").record


def test_an_altered_record_is_reported_as_differences(shared):
    gold, record = _gold_and_record(shared)
    altered = copy.deepcopy(record)
    altered["unit"]["region_code"] = "120101"
    altered["sections"] = altered["sections"][:5]
    altered["stats"]["applications.new_received"] = 5912
    altered["text"] += "\n中央政府门户网站"
    altered["checks"] = [{"rule": "applications_balance.total", "status": "fail", "left": 1, "right": 2}]
    score = score_record(f"{SEED}.txt", altered, gold)
    assert score.differences == [
        "metadata: region_code '120101' ≠ gold '120000'",
        "sections: #6 None ≠ gold '其他需要报告的事项'",
        "stats: applications.new_received 5912 ≠ gold 17127",
        "checks: applications_balance.total fails, gold says otherwise",
        "text: boilerplate present: '中央政府门户网站'",
    ]
    assert score.matched["metadata"] == score.scored["metadata"] - 1


def test_cells_are_scored_one_by_one():
    gold = {"tables": {"review_litigation": {"admin_review": {"upheld": 1, "total": 3}}, "applications": None}}
    record = {"tables": {"review_litigation": {"admin_review": {"upheld": 1, "total": 2}}, "applications": None},
              "stats": {}, "text": ""}
    score = score_record("x", record, gold)
    assert (score.matched["cells"], score.scored["cells"]) == (2, 3)
    assert score.differences == ["cells: review_litigation.admin_review.total 2 ≠ gold 3"]


def test_evaluation_of_the_seeds_ends_with_a_three_line_summary(shared, tmp_path):
    stray = tmp_path / "no-gold.txt"
    stray.write_text("天津市2020年政府信息公开工作年度报告", encoding="utf-8")
    evaluation = evaluate(shared / "gold", [shared / "seeds" / f"{SEED}.txt", stray])
    report = format_evaluation(evaluation)
    *_, first, second, third = report.splitlines()
    assert first.startswith("overall: metadata 8/8 (100.0%)")
    assert second.startswith("overall: stats 4/4 (100.0%)")
    assert third.startswith("overall: 27/27 (100.0%) of gold items over 1 files") and "1 without gold" in third
    assert "no-gold.txt: skipped (no gold)" in report


def test_an_unreadable_file_scores_nothing(shared, tmp_path):
    empty = tmp_path / f"{SEED}.txt"
    empty.write_bytes(b"")
    (score,) = evaluate(shared / "gold", [empty]).files
    assert score.error.startswith("ExtractionError") and sum(score.matched.values()) == 0


def test_every_gold_file_in_shared_is_reproduced_exactly(shared):
    """The development gold, as `govcrawl eval ../shared/gold ../shared/seeds/* ../shared/samples/*`."""
    files = sorted((shared / "seeds").iterdir()) + sorted((shared / "samples").iterdir())
    evaluation = evaluate(shared / "gold", files)
    golds = {p.stem for p in (shared / "gold").glob("*.json")}
    assert {Path(f.name).stem for f in evaluation.files} == golds
    for score in evaluation.files:
        assert score.error is None and score.differences == [], score.name
        assert score.matched == score.scored, score.name
