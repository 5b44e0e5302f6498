"""The 16 Tianjin district portals of the replica, as data: one row per district, one per unit.

Real (from the brief and portals.md): spider names, hosts, schemes, region codes, the hub paths,
every unit page path and report-column folder that a known report URL implies, those reports'
dates and ids, seed 002's page (红桥区 2020), 红桥区's 网站标识码/ICP/公网安备, the chrome.
Invented: every other unit, folder, year, id, the 指南/制度/法定主动公开内容 folders, the other
districts' footer numbers, and which column is a 动静结合 list (河西区's 越秀路街道: trs_lists.py). 滨海新区 runs another system and is described in binhai.py.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

LEVELS = {"区政府": "district", "区级机关": "department", "街道": "township", "镇": "township"}
GROUPS = tuple(LEVELS)
SCALES = {"district": 250, "department": 30, "township": 6}


@dataclass(frozen=True)
class UnitRow:
    name: str                    # the full official name
    group: str                   # 区政府 | 区级机关 | 街道 | 镇: where the hub lists it
    path: str                    # its unit page, below the hub
    column: str                  # its report column's folder (unpredictable)
    publisher: str               # 来源 as its pages write it
    short: str                   # how it names itself in prose
    years: tuple[int, ...]
    known: tuple[tuple[int, date | datetime, int], ...] = ()  # (year, published, doc id) of real pages
    seed: tuple[int, str] | None = None  # (year, source stem) of a seed page rebuilt verbatim
    per_page: int = 10
    interpretation: int | None = None    # the year whose report gets a 解读 in the column
    bare: bool = False                   # its articles start directly with the title (no top bar)
    year_folders: bool = False           # the column lists {year}n/ folders (蓟州区)
    report_link: str = "政府信息公开年报"  # the unit page's link text to the column
    list_api: int | None = None          # the column's TRS channel id when its list is 动静结合 (trs_lists.py)

    @property
    def level(self) -> str:
        return LEVELS[self.group]


@dataclass(frozen=True)
class District:
    spider: str
    name: str                    # 红桥区
    host: str
    scheme: str
    code: str
    hub: str                     # the 政府信息公开 hub's path
    units: tuple[UnitRow, ...]
    gk: str | None = None        # its pre-2019 column on gk.tj.gov.cn/xxgknb_530/qxzf/
    title_format: str = "{prefix}{year}年政府信息公开工作年度报告"
    icp: str = ""
    beian: str = ""

    @property
    def base(self) -> str:
        return f"{self.scheme}://{self.host}"

    @property
    def hub_url(self) -> str:
        return self.base + self.hub

    @property
    def government(self) -> str:
        return f"天津市{self.name}人民政府"

    @property
    def site_id(self) -> str:
        return f"{self.code}0001"

    @property
    def icp_number(self) -> str:
        return self.icp or f"{int(self.code) * 7919 % 10**8:08d}"

    @property
    def beian_number(self) -> str:
        return self.beian or f"{self.code}02{int(self.code) * 31 % 10**6:06d}"


def district(spider, name, host, scheme, code, hub, *units, **options) -> District:
    return District(spider, name, host, scheme, code, hub, tuple(units), **options)


unit = UnitRow

DISTRICTS = (
    district(
        "heping", "和平区", "www.tjhp.gov.cn", "http", "120101", "/zw/zfxxgk/",
        unit("天津市和平区人民政府", "区政府", "/zw/zfxxgk/qzf/qrmzf/", "zfxxgknb1", "区政府办", "和平区", (2022, 2023)),
        unit("天津市和平区人民政府办公室", "区级机关", "/zw/zfxxgk/zfgbm/qzfb/", "zfxxgknb", "区政府办", "区政府办公室",
             (2023,), known=((2023, date(2024, 1, 22), 6515489),)),
        unit("天津市和平区人民政府五大道街道办事处", "街道", "/zw/zfxxgk/jd/wddjd/", "zfxxgknb5", "五大道街道",
             "五大道街道", (2021,), bare=True),
    ),
    district(
        "hedong", "河东区", "www.tjhd.gov.cn", "https", "120102", "/zwgk/zfxxgk/",
        unit("天津市河东区人民政府", "区政府", "/zwgk/zfxxgk/zfxxgkqzf/qzf/", "zfxxgknb42", "区政府办", "河东区",
             (2022, 2023, 2024), known=((2024, date(2025, 3, 4), 6873286),), per_page=2, interpretation=2023),
        unit("天津市河东区人民政府办公室", "区级机关", "/zwgk/zfxxgk/zfxxgkqjjg/qzfbgs/", "zfxxgknb43", "区政府办",
             "区政府办公室", (2023,)),
        unit("天津市河东区民政局", "区级机关", "/zwgk/zfxxgk/zfxxgkqjjg/qmzj/", "zfxxgknb47", "区民政局", "区民政局",
             (2019, 2021), known=((2019, date(2020, 12, 16), 5030825),)),
    ),
    district(
        "hexi", "河西区", "www.tjhx.gov.cn", "http", "120103", "/zwgk/zfxxgk/",
        unit("天津市河西区人民政府", "区政府", "/zwgk/zfxxgk/qzf/", "zfxxgknb", "区政府办", "河西区", (2020, 2021)),
        unit("天津市河西区教育局", "区级机关", "/zwgk/zfxxgk/qjjg/qjyj/", "zfxxgknb12", "区教育局", "区教育局", (2022,)),
        unit("天津市河西区人民政府越秀路街道办事处", "街道", "/zwgk/zfxxgk/jd/yxljd/", "zfxxgknb31", "越秀路街道",
             "越秀路街道", (2019, 2020, 2021, 2022, 2023, 2024), per_page=2, interpretation=2022, list_api=4713),
        gk="hxqrmzf",
    ),
    district(
        "nankai", "南开区", "www.tjnk.gov.cn", "https", "120104", "/NKQZF/ZWGK5712/",
        unit("天津市南开区人民政府", "区政府", "/NKQZF/ZWGK5712/zfxxgkqzf/qzf1/", "zfxxgknb1", "区政府办", "南开区",
             (2023, 2024)),
        unit("天津市南开区人民政府政务服务办公室", "区级机关", "/NKQZF/ZWGK5712/zfxxgkqwbj/qzwfwbgs1/", "zfxxgknb30",
             "区政务服务办", "区政务服务办", (2024,), known=((2024, date(2025, 1, 21), 6840839),)),
        unit("天津市南开区人民政府学府街道办事处", "街道", "/NKQZF/ZWGK5712/zfxxgkjd/xfjd/", "zfxxgknb61", "学府街道",
             "学府街道", (2022,)),
    ),
    district(
        "hebei", "河北区", "www.tjhb.gov.cn", "http", "120105", "/zwgk/zfxxgk/",
        unit("天津市河北区人民政府", "区政府", "/zwgk/zfxxgk/zfxxgkqzf/qzf1/", "zfxxgknb2", "区政府办", "河北区",
             (2021, 2023), known=((2023, date(2024, 3, 7), 6554671),), interpretation=2021),
        unit("天津市河北区卫生健康委员会", "区级机关", "/zwgk/zfxxgk/zfxxgkqjjg/qwsjkw/", "zfxxgknb19", "区卫健委",
             "区卫生健康委", (2022,)),
        gk="hbqrmzf",
    ),
    district(
        "hongqiao", "红桥区", "www.tjhq.gov.cn", "http", "120106", "/zwgk/",
        unit("天津市红桥区人民政府", "区政府", "/zwgk/zfxxgkqzf/qzf/", "zfxxgknb2", "政府办", "红桥区", (2020, 2021, 2022),
             known=((2020, datetime(2021, 3, 8, 16, 47), 5378162),), seed=(2020, "seed_002_hongqiao_2020"),
             per_page=2),
        unit("天津市红桥区人民政府办公室", "区级机关", "/zwgk/zfxxgkqjjg/qzfbgs/", "zfxxgknb3", "政府办", "区政府办公室",
             (2021,)),
        unit("天津市红桥区发展和改革委员会", "区级机关", "/zwgk/zfxxgkqjjg/qfzggw/", "zfxxgknb27", "区发展改革委",
             "区发展改革委", (2020, 2022)),
        title_format="{prefix}{year}年政府信息公开年度报告", icp="10201451", beian="12010602120171",
    ),
    district(
        "dongli", "东丽区", "www.tjdl.gov.cn", "http", "120110", "/gongkai/zfxxgkzl/",
        unit("天津市东丽区人民政府", "区政府", "/gongkai/zfxxgkzl/qzf/", "gknb", "区政府办", "东丽区", (2021, 2022),
             report_link="政府信息公开年度报告"),
        unit("天津市东丽区财政局", "区级机关", "/gongkai/zfxxgkzl/qjbm/qczj/", "gknb", "区财政局", "区财政局", (2022,),
             report_link="政府信息公开年度报告"),
        unit("天津市东丽区人民政府张贵庄街道办事处", "街道", "/gongkai/zfxxgkzl/jz/zgzjd/", "gknb", "张贵庄街道",
             "张贵庄街道", (2023,), report_link="政府信息公开年度报告"),
    ),
    district(
        "xiqing", "西青区", "www.tjxq.gov.cn", "http", "120111", "/zwgk/zfxxgk/",
        unit("天津市西青区人民政府", "区政府", "/zwgk/zfxxgk/qzf/", "zfxxgknb1", "区政府办", "西青区", (2021, 2022)),
        unit("天津市西青区杨柳青镇人民政府", "镇", "/zwgk/zfxxgk/zj/ylqz/", "zfxxgknb35", "杨柳青镇", "杨柳青镇", (2022,),
             bare=True),
    ),
    district(
        "jinnan", "津南区", "www.tjjn.gov.cn", "http", "120112", "/zwgk/zfxxgk/",
        unit("天津市津南区人民政府", "区政府", "/zwgk/zfxxgk/qzf/", "zfxxgknb3", "区政府办", "津南区", (2020, 2023)),
        unit("天津市津南区生态环境局", "区级机关", "/zwgk/zfxxgk/qjjg/qsthjj/", "zfxxgknb22", "区生态环境局",
             "区生态环境局", (2023,)),
    ),
    district(
        "beichen", "北辰区", "www.tjbc.gov.cn", "https", "120113", "/zwgk/zfxxgk/",
        unit("天津市北辰区人民政府", "区政府", "/zwgk/zfxxgk/xxgk_qzf/", "xxgk_zfxxgknb_qzf", "区政府办", "北辰区",
             (2022, 2023)),
        unit("天津市北辰区人民政府集贤里街道办事处", "街道", "/zwgk/zfxxgk/xxgk_zjyq/zjyq_xxgk_jxlj/", "xxgk_zfxgknb_jxlj",
             "集贤里街道", "集贤里街道", (2023,), known=((2023, date(2024, 1, 10), 6505421),), bare=True),
    ),
    district(
        "wuqing", "武清区", "www.tjwq.gov.cn", "https", "120114", "/zwgk/zfxxgk/",
        unit("天津市武清区人民政府", "区政府", "/zwgk/zfxxgk/qzf2/", "zfxxgknb1", "区政府办", "武清区", (2022, 2023)),
        unit("天津市武清区人民政府办公室", "区级机关", "/zwgk/zfxxgk/wbj2/qzfb1/", "zfxxgknb3", "区政府办", "区政府办公室",
             (2022,), known=((2022, date(2023, 2, 2), 6094089),)),
        unit("天津市武清区崔黄口镇人民政府", "镇", "/zwgk/zfxxgk/zj1/chkz/", "zfxxgknb8", "崔黄口镇", "崔黄口镇",
             (2022,)),
    ),
    district(
        "baodi", "宝坻区", "www.tjbd.gov.cn", "http", "120115", "/zwgk/zfxxgk/",
        unit("天津市宝坻区人民政府", "区政府", "/zwgk/zfxxgk/qzf/", "zfxxgknb", "区政府办", "宝坻区", (2019, 2021)),
        unit("天津市宝坻区人力资源和社会保障局", "区级机关", "/zwgk/zfxxgk/qjjg/qrlsbj/", "zfxxgknb14", "区人社局",
             "区人社局", (2021,)),
    ),
    district(
        "ninghe", "宁河区", "www.tjnh.gov.cn", "https", "120117", "/zwgk/",
        unit("天津市宁河区人民政府", "区政府", "/zwgk/zfxxgkqzf1/qzf2/", "zfxxgknb51", "区政府办", "宁河区", (2021, 2022),
             known=((2022, date(2023, 3, 1), 6124724),), interpretation=2022),
        unit("天津市宁河区潘庄镇人民政府", "镇", "/zwgk/zfxxgkzj/pzz/", "zfxxgknb63", "潘庄镇", "潘庄镇", (2023,)),
    ),
    district(
        "jinghai", "静海区", "www.tjjh.gov.cn", "https", "120118", "/jhqzf/zwgk_28985/",
        unit("天津市静海区人民政府", "区政府", "/jhqzf/zwgk_28985/zfxxgk_qzf1/qzf1/", "zfxxgknb2", "区政府办", "静海区",
             (2021, 2022), known=((2021, date(2022, 2, 14), 5803915),)),
        unit("天津市静海区交通运输局", "区级机关", "/jhqzf/zwgk_28985/zfxxgk_qjjg/qjtysj/", "zfxxgknb17", "区交通运输局",
             "区交通运输局", (2022,)),
    ),
    district(
        "jizhou", "蓟州区", "www.tjjz.gov.cn", "http", "120119", "/zwgk/zfxxgk/",
        unit("天津市蓟州区人民政府", "区政府", "/zwgk/zfxxgk/zfxxgkqzf1/", "zfxxgknb2", "区政府办", "蓟州区", (2021, 2022),
             known=((2021, date(2022, 3, 1), 5817391),), year_folders=True),
        unit("天津市蓟州区文化和旅游局", "区级机关", "/zwgk/zfxxgk/zfxxgkqjjg/qwhlyj/", "zfxxgknb20", "区文化和旅游局",
             "区文化和旅游局", (2022,), year_folders=True),
    ),
)
