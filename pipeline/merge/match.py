"""Merging: the rows of one period (and the items already in the ledger) become items.

Several departments report the same problem: the county court lists every case in which a
government body is a party, 信访局 and the 12345 hotline pass on disputes that the responsible
department also reports. Each problem must be ONE item with a stable 问题编号.

Matching (candidate pairs come from blocking keys only, so the cost grows with the rows, not
with their square):
1. a row that carries the 问题编号 of an existing item belongs to that item;
2. the same 案号 (normalised) is the same item, whatever category each row gives;
3. the same enterprise (统一社会信用代码 when both have one, else the normalised name, see
   `company_key`), the same category and a description similarity of at least
   merge.same_item_score is the same item; when one row comes from 信访局 or the hotline and names
   the other side's department as its 责任单位, merge.suspect_score is enough (a referral);
4. the same enterprise with another category, or a similarity between merge.suspect_score and
   merge.same_item_score, gives two items listed in `suspects` for a person to decide;
5. rows are matched with each other and with existing items alike; a row that matches several
   existing items goes to one its own department reported before;
6. union-find over rows and items, so transitive matches end in one key. A union is refused
   when it would join two existing items, two different 案号, two rows of one department
   (a department lists each of its problems once) or a department the office split off.

Description similarity (0-100): the descriptions are compared as sets of character bigrams,
after removing the company's own name, punctuation and the bigrams so common among the
compared descriptions that they say nothing about a particular problem (the boilerplate every
ledger repeats: 存在…问题, 涉及金额…万元). rapidfuzz's cdist gives the shared bigrams of every
pair of a block in one call; the score is token_set_ratio's form 2S / (S + smaller set), 100 when
one description's specific wording lies wholly inside the other's. Rewording, inserted or
dropped phrases and reordering keep most specific bigrams (project, place, amount, what is
owed); two different problems of one company share little but boilerplate. The thresholds in
config.yaml were measured on the labelled set of tests/test_merge.py.

Conflict rule: for each field the value of the responsible department's row wins over that of
an intake department (信访局, hotline) or the court, except `category` of a case, where the
court's row wins; among equals the latest row wins (file_time, then file name, then row).
Empty values never win over non-empty ones. Differences in amount, paid or status between the
rows of one item, and in category, are listed in `conflicts`.

Office corrections (from pipeline.corrections) applied here: merge (one item absorbs another),
keep_apart (a pair is never merged nor listed as suspect again) and split (a department's rows
never join an item). set_category and confirm_closed are applied later by the ledger step.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Callable

import numpy as np
import pandas as pd

from pipeline.core.config import Config
from pipeline.core.normalise import company_key, normalise_case_no
from pipeline.core.text import clean_text, is_empty, is_missing, with_tag

SUSPECT_COLUMNS = [
    "key_a",
    "key_b",
    "score",
    "reason",
    "company",
    "category_a",
    "category_b",
    "description_a",
    "description_b",
    "departments_a",
    "departments_b",
]
CONFLICT_COLUMNS = ["item_key", "field", "values", "chosen", "changes_number_or_status"]
NUMBER_OR_STATUS = ("amount", "paid", "status")
_NOT_TEXT = re.compile(r"[\W_]+")
_DECIMAL = re.compile(r"\d+\.\d+")
_BRACKETS = str.maketrans(
    {
        "（": "",
        "）": "",
        "(": "",
        ")": "",
        "[": "",
        "]": "",
        "【": "",
        "】": "",
        "〔": "",
        "〕": "",
        "［": "",
        "］": "",
        " ": "",
    }
)
_LEGAL_SUFFIXES = ("有限责任公司", "股份有限公司", "有限公司", "公司")
# A bigram found in this share of the compared descriptions (and in at least _COMMON_MIN of them)
# is boilerplate; below _COMMON_MIN descriptions there is too little text to tell.
_COMMON_SHARE, _COMMON_MIN = 0.1, 12
MERGE, KEEP_APART, SPLIT = "merge", "keep_apart", "split"


@dataclass
class MergeResult:
    rows: pd.DataFrame  # input rows + item_key (existing item_id or "new:<n>")
    items: pd.DataFrame  # one row per item_key touched this period, combined values
    suspects: pd.DataFrame  # SUSPECT_COLUMNS
    conflicts: pd.DataFrame  # CONFLICT_COLUMNS
    absorbed: dict[str, str] = field(default_factory=dict)  # item_id merged away -> the item it joined
    new_ids: set[str] = field(default_factory=set)  # the 问题编号 of the items first made this period


# Hands out the next n 问题编号 (Store.id_allocator); without one, new items keep provisional keys.
IdAllocator = Callable[[int], list[str]]


def provisional_ids(n: int) -> list[str]:
    return [f"new:{k}" for k in range(1, n + 1)]


@dataclass(frozen=True)
class Settings:
    prefixes: tuple[str, ...]
    same: float
    suspect: float
    intake: frozenset[str]
    court: str


def follow(alias: dict[str, str], start: str) -> list[str]:
    """The chain of merges from `start`: start, the id it went into, the id that went into… (no id twice)."""
    chain = [start]
    while chain[-1] in alias and alias[chain[-1]] not in chain:
        chain.append(alias[chain[-1]])
    return chain


@dataclass
class Plan:
    """The office's decisions that matter to matching."""

    alias: dict[str, str] = field(default_factory=dict)  # absorbed id -> target id
    apart: set[frozenset[str]] = field(default_factory=set)
    split: dict[str, set[str]] = field(default_factory=dict)  # item id -> departments split off

    def resolve(self, item_id: str, known: set[str]) -> str:
        """The item an id now stands for: the last existing item along its chain of merges, or ""."""
        return next((i for i in reversed(follow(self.alias, item_id)) if i in known), "")


# --- keys ------------------------------------------------------------------------------------


def case_key(case_no: str) -> str:
    """A 案号 reduced for comparing (validation normalised it already; older ledger values may not be)."""
    return normalise_case_no(case_no)[0].upper()


@lru_cache(maxsize=200_000)
def _name_variants(company: str, prefixes: tuple[str, ...]) -> tuple[str, ...]:
    """How descriptions write the company: full, without brackets, without region, without 有限公司."""
    full = clean_text(company)
    key = company_key(company, prefixes)
    core = next((key[: -len(s)] for s in _LEGAL_SUFFIXES if key.endswith(s) and len(key) > len(s) + 1), key)
    return tuple(
        sorted({v for v in (full, full.translate(_BRACKETS), key, core) if len(v) >= 2}, key=len, reverse=True)
    )


@lru_cache(maxsize=500_000)
def description_text(description: str, company: str, prefixes: tuple[str, ...]) -> str:
    """The description without the company's own name (and region prefixes before it), punctuation, spaces."""
    text = _DECIMAL.sub(_rounded, clean_text(str(description or "")))
    for variant in _name_variants(company, tuple(prefixes)):
        while (at := text.find(variant)) >= 0:
            start = at
            while lead := next((p for p in prefixes if p and text.endswith(p, 0, start)), ""):
                start -= len(lead)
            text = text[:start] + text[at + len(variant) :]
    return _NOT_TEXT.sub("", text)


def _rounded(match: re.Match) -> str:
    # 279.8万元 and 约280万元 are the same amount written by two departments
    return str(round(float(match.group())))


def _bigrams(text: str) -> list[str]:
    return [text[i : i + 2] for i in range(len(text) - 1)] or ([text] if text else [])


def bigram_documents(texts: list[str], corpus: list[str] | None = None) -> list[str]:
    """Each text as the sorted set of its specific bigrams; a bigram found in many texts of the
    corpus (default: the texts themselves) is boilerplate and left out. A bigram is written as one
    private-use character, so string similarity of two documents is set similarity."""
    grams = [set(_bigrams(t)) for t in texts]
    counts = Counter(g for t in (texts if corpus is None else corpus) for g in set(_bigrams(t)))
    limit = max(_COMMON_MIN, _COMMON_SHARE * len(texts if corpus is None else corpus))
    codes: dict[str, str] = {}
    for g in sorted({g for s in grams for g in s}):
        codes[g] = _private_char(len(codes))
    return ["".join(sorted(codes[g] for g in s if counts[g] < limit)) for s in grams]


def _private_char(n: int) -> str:
    # Planes 15 and 16 are private use (2 x 65534 code points); beyond that codes repeat, which
    # only happens past 131k distinct bigrams and merely adds a little noise.
    n %= 131_068
    return chr(0xF0000 + n) if n < 65_534 else chr(0x100000 + n - 65_534)


def similarity_matrix(docs: list[str], raw: list[str]) -> np.ndarray:
    """Pairwise description similarity (0-100) within one block.

    On sorted sets the Indel ratio is the Dice coefficient, so one rapidfuzz cdist call gives the
    shared bigrams S of every pair; the score is token_set_ratio's 2S / (S + smaller set), which
    is 100 when one description's specific wording is wholly inside the other's."""
    from rapidfuzz import fuzz, process  # only where descriptions are compared

    dice = process.cdist(docs, docs, scorer=fuzz.ratio, dtype=np.float32)
    size = np.array([len(d) for d in docs], dtype=np.float32)
    shared = dice * (size[:, None] + size[None, :]) / 200
    smaller = np.minimum(size[:, None], size[None, :])
    with np.errstate(divide="ignore", invalid="ignore"):
        scores = np.where(smaller > 0, 200 * shared / (shared + smaller), 0).astype(np.float32)
    empty = size == 0
    if empty.any():  # nothing specific left: compare the whole texts
        plain = process.cdist(raw, raw, scorer=fuzz.ratio, dtype=np.float32)
        both = empty[:, None] | empty[None, :]
        scores[both] = plain[both]
    return scores


# --- entry point -------------------------------------------------------------------------------


def merge_rows(
    rows: pd.DataFrame,
    items: pd.DataFrame,
    decisions: pd.DataFrame,
    config: Config,
    new_ids: IdAllocator = provisional_ids,
) -> MergeResult:
    """Assign every accepted row of the period to an item (existing or new) and combine the values;
    every new item gets its 问题编号 from `new_ids`, then the office's 合并 decisions between items
    first made in this period (a rerun of it) are applied."""
    settings = settings_of(config)
    items = _existing(items)
    plan = plan_of(decisions, config)
    nodes = _Nodes.build(rows, items, plan, settings)
    nodes.owner = [config.department(v) or "" for v in _column(rows, "owner_unit")] + [""] * len(items)
    clusters = _Clusters(nodes, plan)
    candidates = _link(nodes, clusters, settings)
    keys = _keys(nodes, clusters)
    out_rows = rows.reset_index(drop=True).copy()
    out_rows["item_key"] = keys[: nodes.n_rows]
    absorbed = _absorbed(items, plan)
    combined, conflicts = combine(out_rows, config, settings)
    tags = _corrections(nodes, clusters, keys, absorbed)
    combined["corrected"] = [tags.get(k, "") for k in combined["item_key"]]
    suspects = _suspects(candidates, keys, nodes, combined, items, plan, settings)
    result = MergeResult(out_rows, combined, suspects, conflicts, absorbed)
    _assign_ids(result, new_ids)
    _merge_new_items(result, decisions, config)
    return result


def _assign_ids(result: MergeResult, new_ids: IdAllocator) -> None:
    """Give every item first made this period its 问题编号, everywhere the provisional key appears."""
    new = [k for k in result.items["item_key"] if str(k).startswith("new:")]
    ids = dict(zip(new, new_ids(len(new))))
    rename = lambda s: s.map(lambda k: ids.get(k, k))  # noqa: E731
    result.rows["item_key"] = rename(result.rows["item_key"])
    result.items["item_key"] = rename(result.items["item_key"])
    result.new_ids = set(ids.values())
    for col in ("key_a", "key_b"):
        if col in result.suspects:
            result.suspects[col] = rename(result.suspects[col])
    if "item_key" in result.conflicts:
        result.conflicts["item_key"] = rename(result.conflicts["item_key"])


def settings_of(config: Config) -> Settings:
    merge = config.merge
    intake = frozenset(config.department(d) or d for d in merge.intake_departments)
    court = merge.court_department
    return Settings(
        tuple(merge.strip_prefixes),
        float(merge.same_item_score),
        float(merge.suspect_score),
        intake,
        config.department(court) or court,
    )


def plan_of(decisions: pd.DataFrame | None, config: Config) -> Plan:
    """The decisions that matter to matching; a merge that would close a circle is ignored."""
    plan = Plan()
    if decisions is None or not len(decisions):
        return plan
    for rec in decisions.to_dict("records"):
        action, a, other = rec.get("action"), _id_text(rec.get("item_id")), _cell(rec.get("other"))
        b = _id_text(other)
        if action == MERGE and a and b and a != b and not _leads_to(plan, a, b):
            plan.alias[b] = a
        elif action == KEEP_APART and a and b:
            plan.apart.add(frozenset((a, b)))
        elif action == SPLIT and a and other:
            plan.split.setdefault(a, set()).add(config.department(other) or other)
    return plan


def _leads_to(plan: Plan, start: str, target: str) -> bool:
    return target in follow(plan.alias, start)


def _existing(items: pd.DataFrame | None) -> pd.DataFrame:
    cols = ["item_id", "category", "company", "uscc", "description", "case_no", "departments", "status"]
    if items is None or not len(items):
        return pd.DataFrame(columns=cols)
    out = items.reindex(columns=list(dict.fromkeys(cols + list(items.columns)))).copy()
    out["item_id"] = [_id_text(v) for v in out["item_id"]]
    return out[out["item_id"] != ""].reset_index(drop=True)


def _absorbed(items: pd.DataFrame, plan: Plan) -> dict[str, str]:
    known = set(items["item_id"])
    out = {}
    for old in plan.alias:
        target = plan.resolve(old, known)
        if old in known and target and target != old:
            out[old] = target
    return out


# --- nodes: this period's rows, then the existing items ------------------------------------------


@dataclass
class _Nodes:
    n_rows: int
    item: list[str]  # items: their (resolved) id; rows: the resolved id they carry, or ""
    dept: list[str]  # rows: department; items: ""
    deps: list[frozenset]  # items: departments that reported them; rows: empty
    case: list[str]
    name: list[str]
    uscc: list[str]
    category: list[str]
    description: list[str]
    company: list[str]
    owner: list[str] = field(default_factory=list)  # rows: 责任单位 resolved to the registry

    @property
    def size(self) -> int:
        return len(self.item)

    def is_row(self, i: int) -> bool:
        return i < self.n_rows

    @classmethod
    def build(cls, rows: pd.DataFrame, items: pd.DataFrame, plan: Plan, settings: Settings) -> "_Nodes":
        known = set(items["item_id"])
        carried = [plan.resolve(_id_text(v), known) if _id_text(v) else "" for v in _column(rows, "item_id")]
        own = [plan.resolve(v, known) for v in items["item_id"]]
        deps = [frozenset(d for d in _cell(v).split("、") if d) for v in items["departments"]]
        companies = _column(rows, "company") + [_cell(v) for v in items["company"]]
        descriptions = _column(rows, "description") + [_cell(v) for v in items["description"]]
        return cls(
            n_rows=len(rows),
            item=carried + own,
            dept=_column(rows, "department") + [""] * len(items),
            deps=[frozenset()] * len(rows) + deps,
            case=[case_key(v) for v in _column(rows, "case_no") + [_cell(v) for v in items["case_no"]]],
            name=[company_key(c, settings.prefixes) for c in companies],
            uscc=[v.upper() for v in _column(rows, "uscc") + [_cell(v) for v in items["uscc"]]],
            category=_column(rows, "category") + [_cell(v) for v in items["category"]],
            description=descriptions,
            company=companies,
        )

    def texts(self, members: list[int], prefixes: tuple[str, ...]) -> dict[int, str]:
        """Descriptions prepared for comparing, only for the nodes that have someone to compare with."""
        return {i: description_text(self.description[i], self.company[i], prefixes) for i in members}


def _column(frame: pd.DataFrame, key: str) -> list[str]:
    return [_cell(v) for v in frame[key]] if key in frame else [""] * len(frame)


def _cell(value) -> str:
    if is_missing(value):
        return ""
    return clean_text(str(value))


def _id_text(value) -> str:
    return _cell(value).replace(" ", "").upper()


# --- union-find with the constraints ------------------------------------------------------------


class _Clusters:
    """Union-find over nodes; each root knows its item, its departments this period and its 案号."""

    def __init__(self, nodes: _Nodes, plan: Plan):
        self.parent = list(range(nodes.size))
        self.item = [nodes.item[i] if not nodes.is_row(i) else "" for i in range(nodes.size)]
        self.deps = [frozenset((nodes.dept[i],)) if nodes.dept[i] else frozenset() for i in range(nodes.size)]
        self.cases = [frozenset((c,)) if c else frozenset() for c in nodes.case]
        self.plan = plan
        self.split_off: set[int] = set()  # rows kept out of an item by a split decision

    def find(self, i: int) -> int:
        root = i
        while self.parent[root] != root:
            root = self.parent[root]
        while self.parent[i] != root:
            self.parent[i], i = root, self.parent[i]
        return root

    def blocker(self, a: int, b: int, strict: bool) -> str:
        """Why roots a and b may not join ("" when they may); strict = a similarity match."""
        if self.item[a] and self.item[b] and self.item[a] != self.item[b]:
            return "items"
        if self._split(a, b) or self._split(b, a):
            return "split"
        if strict and self.cases[a] and self.cases[b] and not (self.cases[a] & self.cases[b]):
            return "case"
        if strict and self.deps[a] & self.deps[b]:
            return "department"
        return ""

    def _split(self, a: int, b: int) -> bool:
        return bool(self.item[a] and self.plan.split.get(self.item[a], set()) & self.deps[b])

    def union(self, i: int, j: int, strict: bool) -> str:
        a, b = self.find(i), self.find(j)
        if a == b:
            return ""
        why = self.blocker(a, b, strict)
        if why:
            return why
        self.parent[b] = a
        self.item[a] = self.item[a] or self.item[b]
        self.deps[a] |= self.deps[b]
        self.cases[a] |= self.cases[b]
        return ""

    def force(self, i: int, j: int) -> None:
        a, b = self.find(i), self.find(j)
        if a != b:
            self.parent[b] = a
            self.deps[a] |= self.deps[b]
            self.cases[a] |= self.cases[b]


# --- linking -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Candidate:
    i: int
    j: int
    score: float
    kind: str  # "case" or "company"
    same_category: bool
    blocked: str  # why a match was refused, "" when joined or not a match


def _link(nodes: _Nodes, clusters: _Clusters, settings: Settings) -> list[_Candidate]:
    """Join matching nodes, best evidence first; return the pairs a person may need to see."""
    _join_carried_ids(nodes, clusters, _join_same_items(nodes, clusters))
    out = []
    for tier in (_case_edges(nodes), _company_edges(nodes, settings)):
        for pref, score, i, j, kind, same_cat in sorted(tier, key=lambda e: (-e[0], -e[1], e[2], e[3])):
            if kind == "case" or (same_cat and score >= _threshold(nodes, i, j, settings)):
                blocked = clusters.union(i, j, strict=kind != "case")
                if blocked == "split":
                    clusters.split_off.update(k for k in (i, j) if _split_department(nodes, clusters.plan, k))
                out.append(_Candidate(i, j, score, kind, same_cat, blocked))
            else:
                out.append(_Candidate(i, j, score, kind, same_cat, ""))
    return out


def _threshold(nodes: _Nodes, i: int, j: int, settings: Settings) -> float:
    """A row from 信访局 or the hotline that names the other side's department as 责任单位 is a
    referral of the same dispute: then a similarity above the suspect score is enough."""
    for a, b in ((i, j), (j, i)):
        if nodes.is_row(a) and nodes.dept[a] in settings.intake and nodes.owner and nodes.owner[a]:
            other = {nodes.dept[b]} if nodes.is_row(b) else nodes.deps[b]
            if nodes.owner[a] in other:
                return settings.suspect
    return settings.same


def _split_department(nodes: _Nodes, plan: Plan, k: int) -> bool:
    return nodes.is_row(k) and any(nodes.dept[k] in deps for deps in plan.split.values())


def _join_same_items(nodes: _Nodes, clusters: _Clusters) -> dict[str, int]:
    """Existing items the office merged share one id: they are one group from the start."""
    first: dict[str, int] = {}
    for i in range(nodes.n_rows, nodes.size):
        if nodes.item[i]:
            clusters.force(first.setdefault(nodes.item[i], i), i)
    return first


def _join_carried_ids(nodes: _Nodes, clusters: _Clusters, first: dict[str, int]) -> None:
    for i in range(nodes.n_rows):
        target = first.get(nodes.item[i]) if nodes.item[i] else None
        if target is not None and clusters.union(target, i, strict=False) == "split":
            clusters.split_off.add(i)


def _pref(nodes: _Nodes, i: int, j: int) -> int:
    """1 when a row meets an existing item its own department reported before (rule 5)."""
    row, other = (i, j) if nodes.is_row(i) else (j, i)
    return int(not nodes.is_row(other) and nodes.dept[row] in nodes.deps[other])


def _blocks(keys: list[str]) -> list[list[int]]:
    groups: dict[str, list[int]] = defaultdict(list)
    for i, k in enumerate(keys):
        if k:
            groups[k].append(i)
    return [g for g in groups.values() if len(g) > 1]


def _case_edges(nodes: _Nodes) -> list[tuple]:
    edges = []
    for block in _blocks(nodes.case):
        rows = [i for i in block if nodes.is_row(i)]
        items = [i for i in block if not nodes.is_row(i)]
        for r in rows:
            edges += [(_pref(nodes, r, it), 100.0, r, it, "case", True) for it in items]
        edges += [(0, 100.0, rows[0], r, "case", True) for r in rows[1:]]
    return edges


def _company_edges(nodes: _Nodes, settings: Settings) -> list[tuple]:
    """Scored pairs of the same enterprise: the same credit code, or the same name when no two codes differ."""
    blocks = _blocks(nodes.uscc) + _blocks(nodes.name)
    blocks = [b for b in blocks if any(nodes.is_row(i) for i in b)]
    if not blocks:
        return []
    members = sorted({i for b in blocks for i in b})
    texts = nodes.texts(list(range(nodes.size)), settings.prefixes)  # boilerplate is judged on all
    docs = dict(zip(members, bigram_documents([texts[i] for i in members], list(texts.values()))))
    edges, seen = [], set()
    for block in blocks:
        for i, j, score in _block_pairs(block, nodes, docs, texts):
            if (i, j) not in seen:
                seen.add((i, j))
                same_cat = nodes.category[i] == nodes.category[j]
                edges.append((_pref(nodes, i, j), score, i, j, "company", same_cat))
    return edges


def _block_pairs(
    block: list[int], nodes: _Nodes, docs: dict[int, str], texts: dict[int, str]
) -> list[tuple[int, int, float]]:
    """The block's pairs worth judging, with their similarity (one cdist call per block)."""
    idx = np.array(block)
    a, b = np.triu_indices(len(block), 1)
    is_row = idx < nodes.n_rows
    uscc = np.array([nodes.uscc[i] for i in block], dtype=object)
    case = np.array([nodes.case[i] for i in block], dtype=object)
    keep = is_row[a] | is_row[b]
    keep &= ~((uscc[a] != "") & (uscc[b] != "") & (uscc[a] != uscc[b]))
    keep &= ~((case[a] != "") & (case[b] != "") & (case[a] != case[b]))  # two 案号: two items, not a suspect
    a, b = a[keep], b[keep]
    if not len(a):
        return []
    matrix = similarity_matrix([docs[i] for i in block], [texts[i] for i in block])
    return list(zip(idx[a].tolist(), idx[b].tolist(), matrix[a, b].tolist()))


# --- keys, combined values, suspects -----------------------------------------------------------


def _keys(nodes: _Nodes, clusters: _Clusters) -> list[str]:
    names: dict[int, str] = {}
    out = []
    for i in range(nodes.size):
        root = clusters.find(i)
        if clusters.item[root]:
            out.append(clusters.item[root])
            continue
        if root not in names:
            names[root] = f"new:{len(names) + 1}"
        out.append(names[root])
    return out


def _role(department: str, settings: Settings) -> int:
    """Precedence of a row's department: the responsible department above intake and court."""
    return 1 if department in settings.intake or department == settings.court else 2


def combine(rows: pd.DataFrame, config: Config, settings: Settings) -> tuple[pd.DataFrame, pd.DataFrame]:
    """One row per item_key with the winning value of every standard key; and the conflicts."""
    keys = [k for k in config.column_keys if k not in ("seq", "item_id")]
    if not len(rows):
        cols = ["item_key", *keys, "category_inferred", "category_reason", "departments", "sources"]
        return pd.DataFrame(columns=cols), pd.DataFrame(columns=CONFLICT_COLUMNS)
    work = rows.copy()
    work["_role"] = [_role(d, settings) for d in work["department"]]
    work["_cat_role"] = [3 if d == settings.court else r for d, r in zip(work["department"], work["_role"])]
    work = work.sort_values(["_role", "file_time", "file", "row"], kind="stable")
    values = _blank_to_na(work[["item_key", *[k for k in keys if k in work and k != "category"]]])
    combined = values.groupby("item_key", sort=False).last()
    combined = combined.join(_category_winner(work)).join(_provenance(work))
    combined = combined.reindex(columns=[*keys, "category_inferred", "category_reason", "departments", "sources"])
    combined = combined.reset_index().rename(columns={"index": "item_key"})
    order = {k: n for n, k in enumerate(dict.fromkeys(rows["item_key"]))}
    combined = combined.sort_values("item_key", key=lambda s: s.map(order)).reset_index(drop=True)
    return _restore_empties(combined, config), conflicts_of(work, config)


def _blank_to_na(frame: pd.DataFrame) -> pd.DataFrame:
    out = frame.astype(object)
    for col in out.columns:
        if col != "item_key":
            out[col] = out[col].mask(out[col].eq(""))
    return out


def _category_winner(work: pd.DataFrame) -> pd.DataFrame:
    cols = ["category", "category_inferred", "category_reason"]
    have = [c for c in cols if c in work]
    ranked = work.sort_values(["_cat_role", "file_time", "file", "row"], kind="stable")
    ranked = ranked[ranked["category"].astype(str) != ""] if "category" in ranked else ranked.iloc[0:0]
    return ranked.groupby("item_key", sort=False)[have].last().reindex(columns=cols)


def _provenance(work: pd.DataFrame) -> pd.DataFrame:
    ordered = work.sort_values(["file", "sheet", "row"], kind="stable")
    groups = _grouped(
        ordered["item_key"].tolist(),
        ordered["file"].tolist(),
        ordered["sheet"].fillna("").tolist(),
        ordered["row"].tolist(),
        ordered["department"].fillna("").tolist(),
    )
    departments = {k: sorted({d for *_, d in v if d}) for k, v in groups.items()}
    sources = {k: [f"{f}:{s}:{r}" for f, s, r, _ in v] for k, v in groups.items()}
    return pd.DataFrame(
        {"departments": pd.Series(departments, dtype=object), "sources": pd.Series(sources, dtype=object)}
    )


def _grouped(keys: list, *columns: list) -> dict:
    """key -> [(values...), ...] in the given order; plain lists, since most items have one row."""
    out: dict = defaultdict(list)
    for key, *values in zip(keys, *columns):
        out[key].append(tuple(values))
    return out


def _restore_empties(combined: pd.DataFrame, config: Config) -> pd.DataFrame:
    """Clean-row conventions after combining: '' for empty text, NaN for amounts, None for dates."""
    for col in config.columns:
        if col.key not in combined:
            continue
        if col.type == "amount":
            combined[col.key] = pd.to_numeric(combined[col.key], errors="coerce").astype(float)
        elif col.type == "date":
            combined[col.key] = combined[col.key].astype(object).where(combined[col.key].notna(), None)
        else:
            combined[col.key] = combined[col.key].astype(object).where(combined[col.key].notna(), "")
    combined["category_inferred"] = (
        combined["category_inferred"].astype(object).where(combined["category_inferred"].notna(), False).astype(bool)
    )
    combined["category_reason"] = (
        combined["category_reason"].astype(object).where(combined["category_reason"].notna(), "").astype(str)
    )
    return combined


def conflicts_of(work: pd.DataFrame, config: Config) -> pd.DataFrame:
    """Fields whose non-empty values differ between the rows of one item, listed in precedence order."""
    multi = work[work.duplicated("item_key", keep=False)]
    out = []
    for key in ("category", *NUMBER_OR_STATUS):
        if key not in multi or not len(multi):
            continue
        order = ["_cat_role" if key == "category" else "_role", "file_time", "file", "row"]
        ranked = multi.sort_values(order, kind="stable")
        groups = _grouped(ranked["item_key"].tolist(), ranked["department"].tolist(), ranked[key].tolist())
        for item_key, found in groups.items():
            found = [(d, v) for d, v in found if not is_empty(v)]
            if len({_comparable(v) for _, v in found}) > 1:
                out.append(_conflict(item_key, config.column(key).name, found, key in NUMBER_OR_STATUS))
    return pd.DataFrame(out, columns=CONFLICT_COLUMNS)


def _conflict(item_key: str, name: str, found: list[tuple[str, object]], numeric: bool) -> dict:
    return {
        "item_key": item_key,
        "field": name,
        "values": "；".join(f"{d}：{_show(v)}" for d, v in found),
        "chosen": _show(found[-1][1]),
        "changes_number_or_status": numeric,
    }


def _comparable(value):
    return round(float(value), 4) if isinstance(value, (int, float)) else str(value).strip()


def _show(value) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _corrections(nodes: _Nodes, clusters: _Clusters, keys: list[str], absorbed: dict[str, str]) -> dict[str, str]:
    tags: dict[str, list[str]] = defaultdict(list)
    for target in set(absorbed.values()):
        tags[target].append("人工合并")
    for i in clusters.split_off:
        tags[keys[i]].append("人工拆分")
    for item_id in clusters.plan.split:
        if item_id in set(keys[: nodes.n_rows]):
            tags[item_id].append("人工拆分")
    return {k: "；".join(dict.fromkeys(v)) for k, v in tags.items()}


def _suspects(
    candidates: list[_Candidate],
    keys: list[str],
    nodes: _Nodes,
    combined: pd.DataFrame,
    items: pd.DataFrame,
    plan: Plan,
    settings: Settings,
) -> pd.DataFrame:
    best: dict[tuple[str, str], tuple[float, str]] = {}
    for c in candidates:
        a, b = sorted((keys[c.i], keys[c.j]))
        reason = _suspect_reason(c, nodes, settings)
        if a == b or not reason or frozenset((a, b)) in plan.apart:
            continue
        if (a, b) not in best or c.score > best[(a, b)][0]:
            best[(a, b)] = (c.score, reason)
    needed = {k for pair in best for k in pair}
    view = _item_view(combined[combined["item_key"].isin(needed)], items[items["item_id"].isin(needed)])
    out = [_suspect_row(a, b, score, reason, view) for (a, b), (score, reason) in best.items()]
    return pd.DataFrame(out, columns=SUSPECT_COLUMNS)


def _suspect_reason(c: _Candidate, nodes: _Nodes, settings: Settings) -> str:
    score = f"描述相似度 {c.score:.0f}"
    if c.kind == "case":
        return f"案号相同（{nodes.case[c.i]}），但已分属两个问题编号" if c.blocked == "items" else ""
    if not c.same_category:
        return f"同一企业、类别不同（{nodes.category[c.i] or '空'}/{nodes.category[c.j] or '空'}）、{score}"
    if c.score >= settings.same:
        return {
            "items": f"同一企业、同一类别、{score}，但已分属两个问题编号",
            "department": f"同一企业、同一类别、{score}，但为同一单位报送的两条",
        }.get(c.blocked, "")
    if c.score >= settings.suspect:
        return f"同一企业、同一类别、{score}（介于 {settings.suspect:.0f} 与 {settings.same:.0f} 之间）"
    return ""


def _item_view(combined: pd.DataFrame, items: pd.DataFrame) -> dict[str, dict]:
    view = {}
    for rec in items.to_dict("records"):
        view[rec["item_id"]] = {
            "company": _cell(rec.get("company")),
            "category": _cell(rec.get("category")),
            "description": _cell(rec.get("description")),
            "departments": _cell(rec.get("departments")),
        }
    for rec in combined.to_dict("records"):
        view[rec["item_key"]] = {
            "company": rec.get("company", ""),
            "category": rec.get("category", ""),
            "description": rec.get("description", ""),
            "departments": "、".join(rec.get("departments") or []),
        }
    return view


def _suspect_row(a: str, b: str, score: float, reason: str, view: dict[str, dict]) -> dict:
    va, vb = view.get(a, {}), view.get(b, {})
    return {
        "key_a": a,
        "key_b": b,
        "score": round(float(score), 1),
        "reason": reason,
        "company": va.get("company") or vb.get("company", ""),
        "category_a": va.get("category", ""),
        "category_b": vb.get("category", ""),
        "description_a": va.get("description", ""),
        "description_b": vb.get("description", ""),
        "departments_a": va.get("departments", ""),
        "departments_b": vb.get("departments", ""),
    }


def _merge_new_items(result: MergeResult, decisions: pd.DataFrame | None, config: Config) -> None:
    """Apply the office's 合并 decisions between items first made in this period, once they have their
    ids again (a rerun of the period in which the office saw the pair): their rows become one item."""
    if decisions is None or not len(decisions):
        return
    _drop_kept_apart(result, decisions)
    present = set(result.rows["item_key"])
    into = {
        str(d["other"]): str(d["item_id"])
        for d in decisions.to_dict("records")
        if d["action"] == MERGE and d["other"] in result.new_ids and d["item_id"] in present
    }
    if not into:
        return

    def final(key: str) -> str:
        return follow(into, key)[-1]

    tags = dict(zip(result.items["item_key"], result.items.get("corrected", [""] * len(result.items))))
    result.rows["item_key"] = result.rows["item_key"].map(final)
    result.items, result.conflicts = combine(result.rows, config, settings_of(config))
    targets = {final(k) for k in into}
    result.items["corrected"] = [
        with_tag(tags.get(k, ""), "人工合并") if k in targets else tags.get(k, "") for k in result.items["item_key"]
    ]
    s = result.suspects
    gone = [final(a) == final(b) for a, b in zip(s["key_a"], s["key_b"])] if len(s) else []
    result.suspects = s[[not g for g in gone]].reset_index(drop=True) if len(s) else s
    result.new_ids -= set(into)


def _drop_kept_apart(result: MergeResult, decisions: pd.DataFrame) -> None:
    """A pair the office declared 不合并 is not listed again, even on a rerun of the period it was seen in."""
    apart = {
        frozenset((str(d["item_id"]), str(d["other"])))
        for d in decisions.to_dict("records")
        if d["action"] == KEEP_APART
    }
    s = result.suspects
    if apart and len(s):
        keep = [frozenset((a, b)) not in apart for a, b in zip(s["key_a"], s["key_b"])]
        result.suspects = s[keep].reset_index(drop=True)
