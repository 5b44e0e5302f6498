"""Portal definitions (govcrawl/portals/ and the user's directories) and the spiders generated from them."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

from govcrawl.definitions import DefinitionError, load_definitions, parse_definition
from govcrawl.spiders.loader import spider_class

ROOT = Path(__file__).resolve().parents[1]

GOOD = {
    "name": "example",
    "cms": "trs_wcm",
    "allowed_domains": ["example.gov.cn"],
    "start_urls": ["https://www.example.gov.cn/gknb/"],
    "owner": {"name": "示例市人民政府", "region_code": "120000", "level": "city"},
}


def test_scrapy_loads_a_spider_for_every_packaged_definition():
    """Through Scrapy's own spider loader, as `scrapy crawl` finds them."""
    from scrapy.spiderloader import get_spider_loader
    from scrapy.utils.project import get_project_settings

    loader = get_spider_loader(get_project_settings())
    files = sorted(p.name for p in (ROOT / "govcrawl" / "portals").glob("*.toml"))
    assert files == ["linhai.toml", "tianjin.toml", "tianjin_districts.toml", "tianqiao.toml"]
    # The 16 districts, the municipal portal, tianqiao and linhai, each with its own definition.
    assert len(loader.list()) == 19
    for name in loader.list():
        cls = loader.load(name)
        assert cls.definition.name == name
        assert cls.allowed_domains and set(cls.allowed_domains) == set(cls.definition.allowed_domains)
    assert {d.name for d in loader.load("tianjin").members} == set(loader.list()) - {"tianjin", "tianqiao", "linhai"}


def test_scrapy_list_shows_every_spider_from_an_empty_directory(tmp_path):
    listed = subprocess.run(
        [sys.executable, "-m", "scrapy", "list"], cwd=tmp_path, capture_output=True, text=True, check=True,
        env=dict(os.environ, SCRAPY_SETTINGS_MODULE="govcrawl.settings"),
    ).stdout.split()
    assert len(listed) == 19 and {"tianjin", "hedong", "binhai", "linhai", "tianqiao"} <= set(listed)


def test_a_users_own_portal_directory_adds_spiders_and_a_clash_is_an_error(tmp_path):
    own = tmp_path / "mine"
    own.mkdir()
    (own / "example.toml").write_text(
        'name = "example"\ncms = "trs_wcm"\nallowed_domains = ["example.gov.cn"]\n'
        'start_urls = ["https://www.example.gov.cn/gknb/"]\nowner = {name = "示例市人民政府"}\n',
        encoding="utf-8",
    )
    env = dict(os.environ, SCRAPY_SETTINGS_MODULE="govcrawl.settings")
    by_env = subprocess.run([sys.executable, "-m", "scrapy", "list"], cwd=tmp_path, capture_output=True, text=True,
                            env=env | {"GOVCRAWL_PORTAL_DIRS": str(own)}, check=True).stdout.split()
    by_setting = subprocess.run([sys.executable, "-m", "scrapy", "list", "-s", f"PORTAL_DIRS={own}"], cwd=tmp_path,
                                capture_output=True, text=True, env=env, check=True).stdout.split()
    assert "example" in by_env and "example" in by_setting and len(by_env) == 20
    (own / "clash.toml").write_text((own / "example.toml").read_text(encoding="utf-8").replace('"example"', '"hedong"', 1), encoding="utf-8")
    clash = subprocess.run([sys.executable, "-m", "scrapy", "list"], cwd=tmp_path, capture_output=True, text=True,
                           env=env | {"GOVCRAWL_SEEDS": str(own)})
    assert clash.returncode != 0
    assert "'hedong' defined twice" in clash.stderr and "clash.toml" in clash.stderr


def test_no_definitions_at_all_is_an_error_naming_where_it_looked(tmp_path):
    with pytest.raises(DefinitionError, match=f"no portal definitions found in {tmp_path}"):
        load_definitions([tmp_path], packaged=False)


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
        spider_class(definition, [definition])


def test_invalid_toml_names_the_file(tmp_path):
    (tmp_path / "broken.toml").write_text('name = "x"\nstart_urls = [', encoding="utf-8")
    with pytest.raises(DefinitionError, match="broken.toml"):
        load_definitions([tmp_path])


def test_a_file_of_portal_rows_names_the_row_in_errors(tmp_path):
    (tmp_path / "many.toml").write_text(
        '[[portal]]\nname = "one"\ncms = "trs_wcm"\nallowed_domains = ["a.gov.cn"]\n'
        'start_urls = ["http://www.a.gov.cn/"]\nowner = {name = "甲区人民政府"}\n'
        '[[portal]]\nname = "two"\ncms = "trs_wcm"\nallowed_domains = ["b.gov.cn"]\nstart_urls = []\n'
        'owner = {name = "乙区人民政府"}\n',
        encoding="utf-8",
    )
    with pytest.raises(DefinitionError, match=r"many.toml \[\[portal\]\] #2: field 'start_urls'"):
        load_definitions([tmp_path])


def test_part_of_must_name_a_portal(tmp_path):
    (tmp_path / "x.toml").write_text(
        'name = "x"\ncms = "trs_wcm"\nallowed_domains = ["a.gov.cn"]\nstart_urls = ["http://a.gov.cn/"]\n'
        'owner = {name = "甲区人民政府"}\npart_of = "nowhere"\n',
        encoding="utf-8",
    )
    with pytest.raises(DefinitionError, match="x.toml: field 'part_of'"):
        load_definitions([tmp_path])
