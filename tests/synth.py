"""Synthetic inboxes with a known truth, for tests and the benchmark.

`generate_inbox` writes N department ledgers x M data rows (xlsx, via XlsxWriter) and returns a
`SynthTruth`: for every data row its file, Excel row and the id of the real-world item it reports,
so a test can score the merge stage by pairwise precision and recall. A share of rows re-report an
item of another department (the court re-lists cases, 信访局 and the hotline re-list disputes) with
the company name and description reworded and the 案号 written another way.

Everything standard (column names and synonyms, categories and their words, enumerations, the
department registry, the court and intake departments) comes from the Config; this module only
holds pools of plausible content. When more departments are asked for than the registry has,
extra names are invented and returned: `synth_config(config, truth.departments)` gives a Config
whose registry includes them, and `write_synth_config(...)` writes such a config.yaml copy for
the command line.
"""
from __future__ import annotations

import copy
import random
from collections import defaultdict
from dataclasses import dataclass, field, replace
from datetime import date, datetime, timedelta
from itertools import combinations
from pathlib import Path

import xlsxwriter
import yaml

from pipeline.core.config import Category, Config, Department

USCC_CHARS = "0123456789ABCDEFGHJKLMNPQRTUWXY"
USCC_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
_ORG_WEIGHTS = (3, 7, 9, 10, 5, 8, 4, 2)
_FIXED_TIME = datetime(2026, 11, 24, 9, 0, 0)  # workbook metadata, so the same seed gives the same bytes

SHAPES = ("plain", "template", "synonyms", "merged_owner")

# --- pools of content (not the standard: that lives in config.yaml) ---
_REGIONS = (("郏县", "410425"), ("郏县", "410425"), ("平顶山市", "410400"), ("河南", "410000"))
_TRADES = ("鑫源 恒达 宏图 金桥 中原 天瑞 广源 宏发 瑞丰 长青 华隆 兴达 润泽 鸿运 安泰 龙腾 嘉禾 盛世 通达 永盛 "
           "福瑞 华鑫 汇丰 祥和 东方 德润 隆基 锦程 新宇 博远 卓越 昌盛 聚力 顺发 金泰 万通 宏昌 鼎盛 豫龙 汝河 "
           "青龙 紫云 泰和 亿达 宇航 天成 凯旋 信诚 中泰 恒信 佳美 瑞祥 开元 大地 正源 华宇 兴隆 汇通 金鼎").split()
_TRADE_CHARS = "".join(sorted(set("".join(_TRADES))))
_INDUSTRIES = ("建筑工程 市政工程 路桥建设 水利工程 商贸 食品 牧业 物流 电气设备 文化旅游开发 节能科技 新材料 "
               "园林绿化 汽车销售服务 建设工程 教育咨询 医疗器械 农业开发 置业 环保科技 建材 机械制造 服装 "
               "印务 信息技术 能源 劳务服务 装饰工程 粮油 红牛养殖").split()
_PROJECTS = ("城区道路改造工程 雨污分流改造工程 老旧小区改造项目 农村饮水安全工程 乡村道路硬化工程 学校教学楼建设项目 "
             "污水处理厂建设项目 标准化厂房建设项目 乡镇卫生院改扩建项目 农田水利灌溉工程 县城集中供热项目 "
             "美丽乡村建设项目 公共租赁住房项目 河道综合治理工程 农贸市场改造项目 公厕改造项目 路灯亮化工程 "
             "体育公园建设项目 冷链物流园项目 食品加工园区项目 光伏发电项目 垃圾中转站建设项目").split()
_PLACES = "广阳路 龙山大道 文化路 长青路 东环路 西环路 鸿运路 安良路 产业集聚区 城东片区 城西片区 老城区".split()
_SURNAMES = "王李张刘陈杨赵黄周吴徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘蒋蔡余杜叶程苏魏吕丁任沈姚"
_GIVEN = "明华强军平伟芳娜敏静丽勇艳杰磊涛超英霞刚红玲斌波辉鹏宇浩建国志新海峰晓东"
_MEASURES = ("已约谈企业，制定分期支付计划", "已纳入年度预算，分批兑付", "召开专题协调会，明确责任分工",
             "与企业协商签订还款协议", "积极筹措资金，按协议兑付", "主动对接法院，推进执行和解",
             "依法应诉，配合法院审理", "梳理原始合同，核实应付金额", "报请县政府研究解决方案")
_NOTES = ("", "", "", "企业已认可分期方案", "需县政府协调", "上级资金未到位", "已列入督办")
_EXTRA_DEPARTMENTS = ("县审计局 县统计局 县医疗保障局 县退役军人事务局 县应急管理局 县林业局 县供销合作社 "
                      "县机关事务管理局 县地方金融监督管理局 县乡村振兴局 县民政局 县公安局").split()


@dataclass(frozen=True)
class SynthRow:
    """One written data row and the real-world item it reports."""
    file: str
    sheet: str
    row: int
    department: str
    true_item: str
    category: str
    duplicate: bool


@dataclass
class SynthTruth:
    departments: list[str]
    rows: int
    files: list[str] = field(default_factory=list)
    labels: list[SynthRow] = field(default_factory=list)
    shapes: dict[str, str] = field(default_factory=dict)  # file name -> shape
    extra_departments: list[str] = field(default_factory=list)

    @property
    def items(self) -> int:
        return len({label.true_item for label in self.labels})

    @property
    def pairs(self) -> set[frozenset[tuple[str, int]]]:
        """Every pair of (file, row) that report the same item: the merge stage's target."""
        groups: dict[str, list[tuple[str, int]]] = defaultdict(list)
        for label in self.labels:
            groups[label.true_item].append((label.file, label.row))
        return {frozenset(pair) for rows in groups.values() for pair in combinations(rows, 2)}


# --- credit codes ---

def uscc_check_digit(first17: str) -> str:
    """GB 32100-2015 check character for the first 17 characters of a credit code."""
    total = sum(USCC_CHARS.index(c) * w for c, w in zip(first17, USCC_WEIGHTS))
    return USCC_CHARS[(31 - total % 31) % 31]


def org_check_digit(first8: str) -> str:
    """GB 11714 check character of the organisation code inside a credit code."""
    total = sum(int(c, 36) * w for c, w in zip(first8, _ORG_WEIGHTS))
    check = 11 - total % 11
    return {10: "X", 11: "0"}.get(check, str(check))


def make_uscc(rng: random.Random, region: str = "410425") -> str:
    """A valid 18-character code of an enterprise (登记管理部门 9, 类别 1) registered in `region`."""
    body = "".join(rng.choice("0123456789") for _ in range(2)) + "".join(
        rng.choice("0123456789ABCDEFGHJKLMNPQRTUWXY") for _ in range(6))
    first17 = "91" + region + body + org_check_digit(body)
    return first17 + uscc_check_digit(first17)


def spoil_uscc(code: str) -> str:
    """The same code with a wrong check character."""
    wrong = USCC_CHARS[(USCC_CHARS.index(code[-1]) + 7) % 31]
    return code[:-1] + wrong


# --- departments and config ---

def department_names(config: Config, count: int) -> list[str]:
    """`count` names: the court and intake departments first, then the registry, then invented ones."""
    merge = config.merge
    special = [merge.court_department, *merge.intake_departments]
    names = [n for n in special if n and config.department(n)]
    names += [n for n in config.department_names if n not in names]
    names += _invented_names(config, count - len(names))
    return names[:count]


def _invented_names(config: Config, count: int) -> list[str]:
    pool = [n for n in _EXTRA_DEPARTMENTS if config.department(n) is None]
    out = pool[:max(count, 0)]
    n = 1
    while len(out) < count:
        out.append(f"县合成单位第{n}办公室")
        n += 1
    return out


def synth_config(config: Config, departments: list[str]) -> Config:
    """The config with every name of `departments` missing from the registry added to it."""
    extra = [Department(n, ()) for n in departments if config.department(n) is None]
    raw = copy.deepcopy(config.raw)
    raw["departments"] = list(raw.get("departments") or []) + [{"name": d.name, "aliases": []} for d in extra]
    return replace(config, raw=raw, departments=config.departments + tuple(extra))


def write_synth_config(config: Config, departments: list[str], path: Path) -> Path:
    """Write a config.yaml copy whose registry includes `departments` (paths resolve beside `path`)."""
    raw = synth_config(config, departments).raw
    path.write_text(yaml.safe_dump(raw, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path


# --- items: one real-world problem, reported by one or more rows ---

@dataclass
class _Item:
    item_id: str
    category: Category
    company: str
    region: str
    values: dict


class _Maker:
    """Draws items and their re-reports from the content pools, with values taken from the Config."""

    def __init__(self, config: Config, rng: random.Random, filled_on: date):
        self.config, self.rng, self.filled_on = config, rng, filled_on
        self.cases = [c for c in config.categories if c.kind == "case"]
        self.disputes = [c for c in config.categories if c.kind == "dispute"]
        self.used_companies: set[tuple[str, str]] = set()
        self.case_seq = 100

    def item(self, item_id: str, kind: str, owner: str, department: str) -> _Item:
        rng = self.rng
        category = rng.choice(self.cases if kind == "case" and self.cases else self.disputes or self.cases)
        prefix, region = rng.choice(_REGIONS)
        company = prefix + self._trade_name() + rng.choice(("有限公司", "有限责任公司"))
        values = self._values(category, company, owner)
        values["source"] = _source_of(self.config, department) or values["source"]
        return _Item(item_id, category, company, region, values)

    def _trade_name(self) -> str:
        """A trade name + industry not used before: curated names first, then pairs of their characters."""
        for attempt in range(400):
            trade = self.rng.choice(_TRADES) if attempt < 50 else "".join(self.rng.sample(_TRADE_CHARS, 2))
            key = (trade, self.rng.choice(_INDUSTRIES))
            if key not in self.used_companies:
                break
        else:
            key = (key[0] + _SURNAMES[len(self.used_companies) % len(_SURNAMES)] * 2, key[1])
        self.used_companies.add(key)
        return "".join(key)

    def _values(self, category: Category, company: str, owner: str) -> dict:
        rng, enums = self.rng, self.config.enums
        amount = round(rng.uniform(3, 900), 1)
        occurred = self.filled_on - timedelta(days=rng.randint(120, 2000))
        status = rng.choice(enums["status"].values)
        closed = status == enums["status"].values[-1]
        values = {
            "category": category.code, "company": company, "uscc": make_uscc(rng),
            "company_type": rng.choice(enums["company_type"].values), "sector": rng.choice(enums["sector"].values),
            "source": rng.choice(enums["source"].values), "project": rng.choice(_PLACES) + rng.choice(_PROJECTS),
            "case_no": "", "court": "", "amount": amount, "occurred_on": occurred, "owner_unit": owner,
            "owner_person": rng.choice(_SURNAMES) + rng.choice(_GIVEN) + rng.choice(("", *_GIVEN)),
            "approach": rng.choice(enums["approach"].values), "measures": rng.choice(_MEASURES),
            "deadline": self.filled_on + timedelta(days=rng.randint(-200, 300)), "status": status,
            "paid": amount if closed else round(amount * rng.choice((0, 0, 0.2, 0.5)), 1),
            "closed_on": self.filled_on - timedelta(days=rng.randint(1, 100)) if closed else None,
            "note": rng.choice(_NOTES),
        }
        if category.kind == "case":
            values.update(self._case(category, occurred))
        values["description"] = self._describe(category, values, reworded=False)
        return values

    def _case(self, category: Category, occurred: date) -> dict:
        self.case_seq += self.rng.randint(1, 40)
        letter = "执" if _is_execution(category) else self.rng.choice(("民初", "行初"))
        return {"case_no": f"（{occurred.year}）豫0425{letter}{self.case_seq}号", "court": "郏县人民法院"}

    def _describe(self, category: Category, v: dict, reworded: bool) -> str:
        w1, w2 = _signal_words(category, self.rng)
        company = _short_company(v["company"]) if reworded else v["company"]
        if reworded:
            return f"{company}反映：{v['project']}存在{w2}、{w1}的情况，涉及资金约{round(v['amount'])}万元，请求协调解决。"
        if category.kind == "case":
            return (f"{company}与{v['owner_unit']}{v['project']}合同纠纷一案，涉及{w1}、{w2}等情形，"
                    f"标的额{v['amount']}万元。")
        return (f"{v['occurred_on'].year}年{company}承接{v['project']}，存在{w1}、{w2}等问题，"
                f"涉及金额{v['amount']}万元，企业多次反映未果。")

    def rereport(self, item: _Item, department: str) -> dict:
        """The same item as another department writes it: name variant, reworded text, own source."""
        values = dict(item.values)
        values["company"] = company_variant(item.company, self.rng)
        values["description"] = self._describe(item.category, values, reworded=True)
        values["case_no"] = case_no_variant(values["case_no"], self.rng) if values["case_no"] else ""
        values["source"] = _source_of(self.config, department) or values["source"]
        values["uscc"] = values["uscc"] if self.rng.random() < 0.5 else ""
        return values


def _is_execution(category: Category) -> bool:
    """A case category whose strongest words speak of execution gets 执 案号 (else 初)."""
    top = max(weight for _, weight in category.words)
    return any("执行" in word for word, weight in category.words if weight == top)


def _signal_words(category: Category, rng: random.Random) -> tuple[str, str]:
    strong = [w for w, weight in category.words if weight >= 3] or [w for w, _ in category.words]
    picked = rng.sample(strong, 2) if len(strong) >= 2 else strong * 2
    return picked[0], picked[1]


def _source_of(config: Config, department: str) -> str | None:
    """The 问题来源 value named in the department's name or aliases (县人民法院 → 法院)."""
    labels = [department]
    labels += [a for d in config.departments if d.name == department for a in d.aliases]
    return next((v for v in config.enums["source"].values for label in labels if v in label), None)


def _short_company(name: str) -> str:
    for prefix, _ in _REGIONS:
        if name.startswith(prefix):
            return name[len(prefix):]
    return name


def company_variant(name: str, rng: random.Random) -> str:
    """Another way of writing the same company: with/without 郏县, 有限责任公司 vs 有限公司."""
    short = _short_company(name)
    variant = short if short != name else "郏县" + name
    if rng.random() < 0.5:
        if variant.endswith("有限责任公司"):
            variant = variant[:-6] + "有限公司"
        elif variant.endswith("有限公司"):
            variant = variant[:-4] + "有限责任公司"
    return variant


def case_no_variant(case_no: str, rng: random.Random) -> str:
    """The same 案号 written another way: half-width brackets or 执字第…号."""
    if "执" in case_no and "执字第" not in case_no and rng.random() < 0.6:
        return case_no.replace("执", "执字第", 1)
    return case_no.replace("（", "(").replace("）", ")")


# --- planning: which slots hold new items and which re-report an item of another department ---

@dataclass(eq=False)
class _Slot:
    file_index: int
    position: int
    item: _Item | None = None
    duplicate: bool = False


def _plan(config: Config, names: list[str], rows: int, share: float, rng: random.Random, maker: _Maker) -> list[list[_Slot]]:
    files = [[_Slot(f, p) for p in range(rows)] for f in range(len(names))]
    merge = config.merge
    court, intake = merge.court_department, set(merge.intake_departments)
    kinds = {f: _file_kind(names[f], court, intake) for f in range(len(names))}
    reporters = [s for f, slots in enumerate(files) if kinds[f] for s in slots]
    others = [s for f, slots in enumerate(files) if not kinds[f] for s in slots]
    rng.shuffle(reporters)
    rng.shuffle(others)
    ordered = reporters + others
    dup_count = round(share * len(ordered)) if len(names) > 1 else 0
    for n, slot in enumerate(ordered[dup_count:]):
        name = names[slot.file_index]
        kind = kinds[slot.file_index] or ("case" if rng.random() < 0.3 else "dispute")
        slot.item = maker.item(f"T{n + 1:06d}", kind, _owner(name, court, intake, names, rng), name)
    _assign_duplicates(ordered[:dup_count], ordered[dup_count:], kinds, rng)
    return files


def _file_kind(name: str, court: str | None, intake: set[str]) -> str | None:
    return "case" if name == court else "dispute" if name in intake else None


def _owner(name: str, court: str | None, intake: set[str], names: list[str], rng: random.Random) -> str:
    """Court and intake departments list problems owned by others; everyone else owns their own."""
    if name != court and name not in intake:
        return name
    candidates = [n for n in names if n != court and n not in intake]
    return rng.choice(candidates) if candidates else name


def _assign_duplicates(dups: list[_Slot], primaries: list[_Slot], kinds: dict, rng: random.Random) -> None:
    """Point each duplicate slot at a new item of another file, of the kind its department re-lists."""
    pools: dict[str | None, list[_Slot]] = {None: list(primaries)}
    for slot in primaries:
        pools.setdefault(slot.item.category.kind, []).append(slot)
    for pool in pools.values():
        rng.shuffle(pool)
    for slot in dups:
        source = _draw(pools.get(kinds[slot.file_index]) or [], slot.file_index) or _draw(pools[None], slot.file_index)
        if source is None:  # a single file: nothing to re-report
            source = next(p for p in primaries if p.file_index == slot.file_index)
        slot.item, slot.duplicate = source.item, True


def _draw(pool: list[_Slot], file_index: int) -> _Slot | None:
    """Take an unused slot of another file from the end of the pool; once used up, reuse at random."""
    for back in range(1, min(len(pool), 50) + 1):
        if pool[-back].file_index != file_index:
            return pool.pop(-back) if len(pool) > 1 else pool[-back]
    return None


# --- writing ---

def generate_inbox(folder: Path, config: Config, departments: int, rows_per_file: int, seed: int = 0,
                   duplicate_share: float = 0.1, messy: bool = True,
                   filled_on: date = date(2026, 11, 24)) -> SynthTruth:
    """Write `departments` ledgers of `rows_per_file` data rows into `folder`; return the truth."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    rng = random.Random(seed)
    names = department_names(config, departments)
    maker = _Maker(config, rng, filled_on)
    plan = _plan(config, names, rows_per_file, duplicate_share, rng, maker)
    truth = SynthTruth(departments=names, rows=0, extra_departments=[n for n in names if config.department(n) is None])
    shapes = _shapes(len(names), messy, rng)
    for f, name in enumerate(names):
        rows = [maker.rereport(s.item, name) if s.duplicate else s.item.values for s in plan[f]]
        file_name = f"{name}台账.xlsx"
        excel_rows = _write_ledger(folder / file_name, config, name, rows, shapes[f], filled_on, rng)
        truth.files.append(file_name)
        truth.shapes[file_name] = shapes[f]
        sheet = config.ledger.sheet_name
        for slot, excel_row in zip(plan[f], excel_rows):
            truth.labels.append(SynthRow(file_name, sheet, excel_row, name, slot.item.item_id,
                                         slot.item.category.code, slot.duplicate))
    truth.rows = len(truth.labels)
    return truth


def _shapes(count: int, messy: bool, rng: random.Random) -> list[str]:
    if not messy:
        return ["plain"] * count
    start = rng.randrange(len(SHAPES))
    return [SHAPES[(start + i) % len(SHAPES)] for i in range(count)]


def _write_ledger(path: Path, config: Config, department: str, rows: list[dict], shape: str,
                  filled_on: date, rng: random.Random) -> list[int]:
    """Write one ledger in `shape`; return the Excel row (1-based) of each data row."""
    workbook = xlsxwriter.Workbook(str(path), {"constant_memory": shape == "plain"})
    workbook.set_properties({"created": _FIXED_TIME, "author": department})
    sheet = workbook.add_worksheet(config.ledger.sheet_name)
    fmt = {"date": workbook.add_format({"num_format": "yyyy-mm-dd"}),
           "head": workbook.add_format({"bold": True, "align": "center", "valign": "vcenter", "text_wrap": True})}
    columns = [c for c in config.columns if c.key != "item_id"]
    first = 0 if shape == "plain" else 2
    if first:
        _write_title(sheet, config, department, filled_on, rng, len(columns), fmt["head"])
    top = first + (_write_two_row_header if shape in ("template", "merged_owner") else _write_header)(
        sheet, config, columns, first, shape, rng, fmt["head"])
    cells = [[_cell(config, col, n + 1, row, shape, rng) for col in columns] for n, row in enumerate(rows)]
    for n, values in enumerate(cells):
        _write_row(sheet, top + n, values, fmt["date"])
    if shape == "merged_owner":
        _merge_owner(sheet, columns, cells, top, rng)
    workbook.close()
    return [top + n + 1 for n in range(len(rows))]


def _write_title(sheet, config: Config, department: str, filled_on: date, rng: random.Random,
                 width: int, head) -> None:
    sheet.merge_range(0, 0, 0, width - 1, config.ledger.title, head)
    person = rng.choice(_SURNAMES) + rng.choice(_GIVEN)
    phone = "0375-5" + "".join(rng.choice("0123456789") for _ in range(6))
    sheet.write_string(1, 0, f"填报单位：{department}  填报人：{person}  联系电话：{phone}  "
                             f"填报日期：{filled_on.year}年{filled_on.month}月{filled_on.day}日")


def _write_header(sheet, config: Config, columns, row: int, shape: str, rng: random.Random, head) -> int:
    for c, col in enumerate(columns):
        sheet.write_string(row, c, _header_text(col, shape, rng), head)
    return 1


def _header_text(col, shape: str, rng: random.Random) -> str:
    if shape != "synonyms":
        return col.name
    if col.type == "amount":
        return col.name.replace("万元", "元")  # this shape writes amounts in 元
    text = rng.choice((col.name, *col.synonyms)) if col.synonyms and rng.random() < 0.6 else col.name
    return _noisy(text, rng)


def _noisy(text: str, rng: random.Random) -> str:
    """Header noise people type: a line break or spaces inside, full-width brackets."""
    roll = rng.random()
    if roll < 0.2 and len(text) > 2:
        return text[:2] + "\n" + text[2:]
    if roll < 0.35 and len(text) <= 4:
        return " ".join(text)
    return text.replace("(", "（").replace(")", "）")


def _write_two_row_header(sheet, config: Config, columns, row: int, shape: str, rng: random.Random, head) -> int:
    groups = {k: g["name"] for g in config.raw.get("header_groups") or [] for k in g.get("columns", [])}
    keys = [c.key for c in columns]
    for c, col in enumerate(columns):
        if col.key not in groups:
            sheet.merge_range(row, c, row + 1, c, col.name, head)
            continue
        sheet.write_string(row + 1, c, col.name, head)
        members = [i for i, k in enumerate(keys) if groups.get(k) == groups[col.key]]
        if c == members[0]:
            _merge_or_write(sheet, row, c, members[-1], groups[col.key], head)
    return 2


def _merge_or_write(sheet, row: int, first: int, last: int, text: str, fmt) -> None:
    if last > first:
        sheet.merge_range(row, first, row, last, text, fmt)
    else:
        sheet.write_string(row, first, text, fmt)


def _cell(config: Config, col, seq: int, row: dict, shape: str, rng: random.Random):
    if col.type == "seq":
        return seq
    value = row.get(col.key)
    if col.type == "category":
        return _category_text(config.category(value), shape, bool(row.get("case_no")), rng)
    if col.type == "amount" and shape == "synonyms" and value is not None:
        return round(value * 10000)
    if col.type == "date" and value is not None and shape == "synonyms" and rng.random() < 0.5:
        return rng.choice(("{:%Y/%m/%d}", "{:%Y.%m.%d}", "{:%Y%m%d}", "{0.year}年{0.month}月{0.day}日")).format(value)
    return value


def _category_text(category: Category, shape: str, has_case_no: bool, rng: random.Random) -> str:
    if shape == "plain":
        return category.code
    if shape != "synonyms" and rng.random() < 0.8:
        return category.dropdown
    if has_case_no and rng.random() < 0.3:
        return ""  # left blank: the 案号 tells the category
    return rng.choice((category.code, category.short, *category.synonyms[:2]))


def _write_row(sheet, row: int, values: list, date_format) -> None:
    for c, value in enumerate(values):
        if value is None or value == "":
            continue
        if isinstance(value, date):
            sheet.write_datetime(row, c, datetime(value.year, value.month, value.day), date_format)
        elif isinstance(value, (int, float)):
            sheet.write_number(row, c, value)
        else:
            sheet.write_string(row, c, str(value))


def _merge_owner(sheet, columns, cells: list[list], top: int, rng: random.Random) -> None:
    """Merge runs of the same 责任单位 vertically, the way people format ledgers by hand."""
    c = next(i for i, col in enumerate(columns) if col.key == "owner_unit")
    start = 0
    while start < len(cells):
        end, longest = start, start + rng.randint(1, 5)
        while end + 1 < len(cells) and end < longest and cells[end + 1][c] == cells[start][c]:
            end += 1
        if end > start:
            sheet.merge_range(top + start, c, top + end, c, cells[start][c])
        start = end + 1
