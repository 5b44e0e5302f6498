"""Portal definitions in seeds/ and the spiders generated from them."""

import subprocess
import sys
from pathlib import Path

import pytest

from govcrawl.portals import DefinitionError, load_definitions, parse_definition
from govcrawl.spiders.portals import spider_class

ROOT = Path(__file__).resolve().parents[1]

GOOD = {
    "name": "example",
    "cms": "trs_wcm",
    "allowed_domains": ["example.gov.cn"],
    "start_urls": ["https://www.example.gov.cn/gknb/"],
    "owner": {"name": "示例市人民政府", "region_code": "120000", "level": "city"},
}


def test_every_definition_in_seeds_builds_a_spider():
    definitions = load_definitions(ROOT / "seeds")
    assert "tianjin" in {d.name for d in definitions}
    for definition in definitions:
        cls = spider_class(definition)
        assert cls.name == definition.name
        assert cls.allowed_domains == list(definition.allowed_domains)


def test_scrapy_list_shows_the_generated_spiders():
    listed = subprocess.run(
        [sys.executable, "-m", "scrapy", "list"], cwd=ROOT, capture_output=True, text=True, check=True
    ).stdout.split()
    assert "tianjin" in listed


@pytest.mark.parametrize(
    ("change", "named"),
    [
        ({"name": "Tian Jin"}, "'name'"),
        ({"start_urls": []}, "'start_urls'"),
        ({"start_urls": ["ftp://x"]}, "'start_urls'"),
        ({"owner": {"name": "x", "region_code": "12"}}, "owner.region_code"),
        ({"owner": {"name": "x", "level": "planet"}}, "owner.level"),
        ({"allowed_domains": "tj.gov.cn"}, "'allowed_domains'"),
        ({"render_lists": ["col/("]}, "'render_lists'"),
    ],
)
def test_a_malformed_definition_names_the_file_and_the_field(change, named):
    with pytest.raises(DefinitionError, match=named) as raised:
        parse_definition(GOOD | change, Path("seeds/example.toml"))
    assert "seeds/example.toml" in str(raised.value)


def test_an_unknown_cms_fails_at_spider_generation():
    definition = parse_definition(GOOD | {"cms": "wordpress"}, Path("seeds/example.toml"))
    with pytest.raises(DefinitionError, match="'cms'.*wordpress"):
        spider_class(definition)


def test_invalid_toml_names_the_file(tmp_path):
    (tmp_path / "broken.toml").write_text('name = "x"\nstart_urls = [', encoding="utf-8")
    with pytest.raises(DefinitionError, match="broken.toml"):
        load_definitions(tmp_path)


def test_a_file_of_portal_rows_names_the_row_in_errors(tmp_path):
    (tmp_path / "many.toml").write_text(
        '[[portal]]\nname = "one"\ncms = "trs_wcm"\nallowed_domains = ["a.gov.cn"]\n'
        'start_urls = ["http://www.a.gov.cn/"]\nowner = {name = "甲区人民政府"}\n'
        '[[portal]]\nname = "two"\ncms = "trs_wcm"\nallowed_domains = ["b.gov.cn"]\nstart_urls = []\n'
        'owner = {name = "乙区人民政府"}\n',
        encoding="utf-8",
    )
    with pytest.raises(DefinitionError, match=r"many.toml \[\[portal\]\] #2: field 'start_urls'"):
        load_definitions(tmp_path)


def test_part_of_must_name_a_portal(tmp_path):
    (tmp_path / "x.toml").write_text(
        'name = "x"\ncms = "trs_wcm"\nallowed_domains = ["a.gov.cn"]\nstart_urls = ["http://a.gov.cn/"]\n'
        'owner = {name = "甲区人民政府"}\npart_of = "nowhere"\n',
        encoding="utf-8",
    )
    with pytest.raises(DefinitionError, match="x.toml: field 'part_of'"):
        load_definitions(tmp_path)
