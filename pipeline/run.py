"""The one place that knows the order of the stages: intake → validate → classify → merge → store → reports."""
from __future__ import annotations

import hashlib
import logging
import os
import shutil
import sys
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from datetime import datetime
from itertools import repeat
from pathlib import Path

import pandas as pd

from pipeline.core import findings as fnd
from pipeline.classify import classify
from pipeline.core.context import RunContext
from pipeline.corrections import FILE_NAME as CORRECTIONS_FILE, read_corrections, write_corrections_template
from pipeline.runtime.backups import backup_folder, check_before_run, is_current, lock_path
from pipeline.core.errors import RunError, UsageError
from pipeline.outputs.feedback import Feedback, feedback_name, write_feedback
from pipeline.intake.files import REASON_NOTE, Intake, SourceFile, in_name_order, list_inputs, read_inputs
from pipeline.ledger import update_ledger
from pipeline.runtime.lock import run_locks
from pipeline.merge.match import MergeResult, merge_rows
from pipeline.core.names import fit_name, numbered, with_extra
from pipeline.outputs.tables import rejected_table, write_csv, write_json
from pipeline.store import Store
from pipeline.outputs.manifest import build_summary, period_totals_row
from pipeline.validate import validate
from pipeline.runtime.workspace import RunFolder, clean_leftovers, finished_periods, outbox_lock


log = logging.getLogger(__name__)
# Test hook (tests/test_resilience.py): with PIPELINE_STALL_AT=<stage> the run waits at that stage
# (intake, merge, outputs, commit, archive) so a test can kill it exactly there. Unset in real use.
STALL_ENV = "PIPELINE_STALL_AT"


@dataclass
class RunResult:
    ctx: RunContext
    run_dir: Path
    summary: dict
    notes: list[str] = field(default_factory=list)


def checked_rows(paths: list[Path], ctx: RunContext) -> tuple[Intake, pd.DataFrame, pd.DataFrame]:
    """Intake, validation and classification of files: (intake, clean rows, all findings)."""
    intake = read_inputs(paths, ctx.config, ctx.as_of)
    intake.findings = fnd.concat(intake.findings, _sender_findings(intake.files, ctx))
    clean, validation = validate(intake.rows, ctx.config)
    clean, classification = classify(clean, ctx.config)
    return intake, clean, fnd.concat(intake.findings, validation, classification)


def _sender_findings(files: list[SourceFile], ctx: RunContext) -> pd.DataFrame:
    """A file that came by mail: when the sender's department and the 填报单位 disagree, the 填报单位 wins."""
    from pipeline.mail.mailbox import sender_department

    out = []
    for sf in files:
        sf.sender_department = sender_department(sf.path, ctx.path("inbox"))
        if sf.department and sf.sender_department and sf.sender_department != sf.department:
            out.append(fnd.make("sender_mismatch", file=sf.name, department=sf.department,
                                value=sf.department, detail=sf.sender_department))
    return fnd.table(out)


def _held_mail(ctx: RunContext) -> list[dict]:
    """Files from unregistered mail senders, waiting in quarantine for the office's release."""
    from pipeline.mail.mailbox import held_files

    return held_files(ctx.config)


def run_period(ctx: RunContext, doc_number: int | None = None) -> RunResult:
    """Run one period under the run locks of its database and its outbox; the database changes are one
    transaction, with a checked backup before (when the database changed since the last one) and after."""
    db, outbox = ctx.path("database"), ctx.path("outbox")
    settings = ctx.config.run
    keep = settings.keep_db_backups
    with run_locks([lock_path(db), outbox_lock(outbox)], float(settings.lock_wait_seconds)):
        clean_leftovers(outbox)
        check_before_run(db, finished_periods(outbox))
        checked = _read_period_inputs(ctx)
        store = Store(db, ctx.config.ledger.item_id_format)
        try:
            _refuse_earlier_period(store, ctx)
            if not is_current(db):
                store.backup(backup_folder(db), keep=keep)
            result = _run(store, ctx, doc_number, checked)
            result.notes += _backup_after_commit(store, keep)
            return result
        finally:
            store.close()


def _backup_after_commit(store: Store, keep: int) -> list[str]:
    """The newest period goes into a backup too; failing that is a note, the period is already saved."""
    try:
        store.backup(backup_folder(store.path), keep=keep)
    except RunError as exc:
        return [f"注意：本期结果已保存，但运行后的{exc.lines[0]}"]
    return []


def _refuse_earlier_period(store: Store, ctx: RunContext) -> None:
    latest = store.latest_period()
    if latest and ctx.period < latest:
        raise UsageError(f"只能重新运行最近一期（{latest}），不能重跑更早的 {ctx.period}；请检查 --as-of 日期。"
                         f"确需重跑更早的期次，先用 python -m pipeline rollback 逐期撤销（每次撤销最近一期）")


READABLE = ("processed", "zero_report")


def _read_period_inputs(ctx: RunContext) -> tuple[Intake, pd.DataFrame, pd.DataFrame]:
    """The period's files read and checked, before the database is opened: with no readable ledger the run
    stops here (exit 1), so an empty inbox neither touches the database nor uses up a period."""
    # a rerun reads what the first run archived or quarantined, so it sees the same files again
    folders = [ctx.path("inbox"), ctx.path("archive") / ctx.period, ctx.path("quarantine") / ctx.period]
    paths = in_name_order(list_inputs([f for f in folders if f.is_dir()]))
    log.info("期次 %s：读取 %d 个来件", ctx.period, len(paths))
    intake, clean, found = checked_rows(paths, ctx)
    if not any(f.disposition in READABLE for f in intake.files):
        inbox = ctx.path("inbox")
        why = (f"{inbox} 中没有来件" if not intake.files
               else f"{inbox} 中的 {len(intake.files)} 个文件都不是可读取的台账")
        raise RunError(f"收件箱为空（{why}），本期未生成通报")
    return intake, clean, found


def _run(store: Store, ctx: RunContext, doc_number: int | None, checked) -> RunResult:
    intake, clean, found = checked
    _stall("intake")
    accepted, returned_keys = _split_accepted(clean, found)
    decisions, correction_findings = _corrections(ctx)
    doc_number = doc_number or store.doc_number(ctx.period) or store.next_doc_number(
        ctx.config.office.doc_number_start)
    folder = RunFolder(ctx.run_dir, keep_previous=ctx.config.run.keep_previous_runs)
    with store.transaction():
        store.discard_period(ctx.period)
        previous = store.ledger_before(ctx.period)
        log.info("校验完成：%d 行收录，%d 行退回；开始并单", len(accepted), len(clean) - len(accepted))
        merged = merge_rows(accepted, previous, decisions, ctx.config, store.id_allocator(ctx.as_of.year, ctx.period))
        _stall("merge")
        submitted = _submitted(intake.files)
        update = update_ledger(previous, _items_for_ledger(merged, found), ctx, submitted, decisions, merged.absorbed)
        found = fnd.concat(found, _follow_up_findings(update.not_resubmitted, previous, intake.files, ctx))
        _count_rows(intake.files, clean, returned_keys)
        summary = build_summary(ctx, intake.files, update, merged, found)
        summary["held"] = _held_mail(ctx)
        this_period = period_totals_row(ctx, summary, update)
        history = pd.concat([store.period_totals(), pd.DataFrame([this_period])],
                            ignore_index=True)
        log.info("总台账 %d 项；生成报告", len(update.ledger))
        notes = _write_outputs(folder.tmp, ctx, intake, update, merged, found, summary, history, doc_number,
                               issue_no=len(store.periods()) + 1)
        for absorbed_id, into in merged.absorbed.items():
            store.mark_absorbed(absorbed_id, into, ctx.period)
        store.record_corrections(decisions, ctx.period)
        store.save_period(ctx.period, ctx.as_of, update.ledger, _file_dicts(intake.files), merged.suspects,
                          summary, doc_number, closed=this_period["closed"])
    _stall("commit")
    folder.commit()
    notes += _archive_inputs(ctx, intake.files)
    notes += [f"人工更正表：{m}" for m in correction_findings["message"]]
    return RunResult(ctx, ctx.run_dir, summary, notes)


def _corrections(ctx: RunContext) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The office's decisions; an empty corrections workbook is put in place the first time, to be filled."""
    folder = ctx.path("corrections")
    if not (folder / CORRECTIONS_FILE).exists():
        write_corrections_template(folder / CORRECTIONS_FILE)
    return read_corrections(folder, ctx.config)


def _split_accepted(clean: pd.DataFrame, found: pd.DataFrame) -> tuple[pd.DataFrame, set]:
    returned = fnd.error_rows(found)
    keys = list(zip(clean["file"], clean["sheet"], clean["row"]))
    mask = pd.Series([k not in returned for k in keys], index=clean.index, dtype=bool)  # a bare [] would pick columns
    return clean[mask].reset_index(drop=True), returned


def _items_for_ledger(merged: MergeResult, found: pd.DataFrame) -> pd.DataFrame:
    """Merge items plus the per-item facts the flags need (doubtful category, suspects, conflicts)."""
    items = merged.items.copy()
    doubtful = found[found["code"] == "category_doubtful"]
    doubtful_keys = set(zip(doubtful["file"], doubtful["sheet"], doubtful["row"]))
    rows = merged.rows
    flagged = {k for k, f, s, r in zip(rows["item_key"], rows["file"], rows["sheet"], rows["row"])
               if (f, s, r) in doubtful_keys}
    items["doubtful"] = items["item_key"].isin(flagged)
    partners: dict[str, list[str]] = {}
    for a, b in zip(merged.suspects.get("key_a", []), merged.suspects.get("key_b", [])):
        partners.setdefault(a, []).append(b)
        partners.setdefault(b, []).append(a)
    items["suspect_of"] = items["item_key"].map(lambda k: "、".join(sorted(partners.get(k, []))))
    conflicts = merged.conflicts.groupby("item_key")["field"].agg(lambda s: "、".join(sorted(set(s)))) \
        if len(merged.conflicts) else pd.Series(dtype=object)
    items["conflict_fields"] = [conflicts.get(k, "") for k in items["item_key"]]
    return items


def _submitted(files: list[SourceFile]) -> set[str]:
    return {f.department for f in files if f.disposition in ("processed", "zero_report") and f.department}


def _follow_up_findings(not_resubmitted: list[str], previous: pd.DataFrame, files: list[SourceFile],
                        ctx: RunContext) -> pd.DataFrame:
    """File-level notes for departments: items they left out, and ledgers much shorter than last time."""
    out = []
    file_of = {f.department: f for f in files if f.disposition in ("processed", "zero_report")}
    prev = previous.set_index("item_id") if len(previous) else pd.DataFrame()
    for item_id in not_resubmitted:
        for dep in str(prev.at[item_id, "departments"]).split("、"):
            if dep in file_of:
                out.append(fnd.make("not_resubmitted", file=file_of[dep].name, department=dep, value=item_id))
    out += _rows_dropped(not_resubmitted, prev, file_of)
    return fnd.table(out)


def _rows_dropped(not_resubmitted: list[str], prev: pd.DataFrame, file_of: dict) -> list[dict]:
    dropped: dict[str, int] = {}
    for item_id in not_resubmitted:
        for dep in str(prev.at[item_id, "departments"]).split("、"):
            dropped[dep] = dropped.get(dep, 0) + 1
    out = []
    for dep, n in dropped.items():
        before = sum(dep in str(d).split("、") for d in prev["departments"]) if len(prev) else 0
        if dep in file_of and n >= 3 and n >= before / 2:
            out.append(fnd.make("rows_dropped", file=file_of[dep].name, department=dep, detail=f"{n}/{before}"))
    return out


def _count_rows(files: list[SourceFile], clean: pd.DataFrame, returned: set) -> None:
    read = clean["file"].value_counts().to_dict()
    rejected: dict[str, int] = {}
    for file, _, _ in returned:
        rejected[file] = rejected.get(file, 0) + 1
    for sf in files:
        processed = sf.disposition == "processed"
        sf.rows_read = int(read.get(sf.name, 0)) if processed else 0
        sf.rows_rejected = rejected.get(sf.name, 0) if processed else 0
        sf.rows_accepted = sf.rows_read - sf.rows_rejected


def _file_dicts(files: list[SourceFile]) -> list[dict]:
    return [{"name": f.name, "sha256": f.sha256, "size": f.size, "mtime": f.mtime, "department": f.department,
             "disposition": f.disposition, "reason": f.reason, "rows_read": f.rows_read,
             "rows_accepted": f.rows_accepted, "rows_rejected": f.rows_rejected} for f in files]


def _write_outputs(folder: Path, ctx: RunContext, intake: Intake, update, merged: MergeResult,
                   found: pd.DataFrame, summary: dict, history: pd.DataFrame, doc_number: int,
                   issue_no: int) -> list[str]:
    from pipeline.reports.documents import write_reports  # reports are optional heavy imports; keep them out of `check`

    write_csv(update.ledger.drop(columns=["corrected"]), folder / "ledger.csv")
    _stall("outputs")
    write_csv(rejected_table(found), folder / "rejected.csv")
    _write_feedback(folder / "feedback", ctx, intake, found, merged.rows, update.ledger)
    log.info("反馈表已生成；生成通报和汇总表")
    notes = write_reports(folder, ctx, summary, update, found, merged, history, doc_number, issue_no)
    write_json(summary, folder / "run.json")
    return notes


def _write_feedback(folder: Path, ctx: RunContext, intake: Intake, found: pd.DataFrame, matched: pd.DataFrame,
                    ledger: pd.DataFrame) -> None:
    """One workbook per sending department: its rows with the 问题编号 each got, and its overdue items."""
    groups: dict[str, list[SourceFile]] = {}
    for sf in intake.files:
        if sf.disposition == "ignored":
            continue
        groups.setdefault(feedback_name(sf.department, sf.name), []).append(sf)
    item_of = dict(zip(zip(matched["file"], matched["sheet"], matched["row"]), matched["item_key"]))
    rows_by_file = dict(tuple(intake.rows.groupby("file", sort=False)))
    found_by_file = dict(tuple(found.groupby("file", sort=False)))
    overdue = _overdue_by_department(ledger)
    jobs = []
    for name, files in groups.items():
        parts = [rows_by_file[f.name] for f in files if f.name in rows_by_file]
        rows = pd.concat(parts) if parts else intake.rows.iloc[0:0]
        rows = rows.assign(item_id=[item_of.get((f, s, r), i) for f, s, r, i in
                                    zip(rows["file"], rows["sheet"], rows["row"], rows["item_id"])])
        notes = [found_by_file[f.name] for f in files if f.name in found_by_file]
        jobs.append((folder / f"{name}.xlsx", Feedback(name, files, rows, fnd.concat(*notes), overdue.get(name, []))))
    workers = min(os.cpu_count() or 1, ctx.config.run.feedback_workers)
    if workers < 2 or len(jobs) < 50:
        for path, fb in jobs:
            write_feedback(path, fb, ctx.config, ctx.as_of)
        return
    with ProcessPoolExecutor(max_workers=workers) as pool:
        list(pool.map(write_feedback, *zip(*jobs), repeat(ctx.config), repeat(ctx.as_of), chunksize=8))


def _overdue_by_department(ledger: pd.DataFrame) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for r in ledger[ledger["overdue"]].itertuples(index=False):
        for dep in str(r.departments).split("、"):
            out.setdefault(dep, []).append(f"{r.item_id} {r.company}：整改时限 {r.deadline}，尚未办结")
    return out


def _archive_inputs(ctx: RunContext, files: list[SourceFile]) -> list[str]:
    """After the commit: inbox files go to archive/<period>/, rejected ones to quarantine/<period>/ with
    a text file giving the reason; a locked file, or one replaced since it was read, stays where it is
    for the next run. Nothing is deleted."""
    if not ctx.config.run.archive_inbox:
        return []
    inbox = ctx.path("inbox").resolve()
    moved = {"archive": 0, "quarantine": 0}
    for sf in files:
        locked = sf.reason_code == "file_locked" or sf.name.startswith("~$")  # held by Excel: leave it where it is
        if sf.path.parent.resolve() != inbox or locked or not _unchanged(sf):
            continue
        kind = "quarantine" if sf.disposition == "rejected" else "archive"
        target = _free_name(ctx.path(kind) / ctx.period / fit_name(sf.name))
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.move(str(sf.path), str(target))  # a symlink moves as the link, never as what it points at
        if kind == "quarantine":
            note = target.with_name(with_extra(target.name, REASON_NOTE))
            note.write_text(f"{sf.name}：{sf.reason}\n", encoding="utf-8")
        moved[kind] += 1
        _stall("archive")
    return [f"已将 {moved['archive']} 个来件移入 {ctx.path('archive') / ctx.period}，"
            f"{moved['quarantine']} 个无法读取的来件移入 {ctx.path('quarantine') / ctx.period}"]


def _unchanged(sf: SourceFile) -> bool:
    """The file still holds the bytes this run read (a department may have sent a new version meanwhile)."""
    if sf.path.is_symlink():  # never read through: the link itself is what was listed
        return not sf.sha256 and sf.path.lstat().st_size == sf.size
    try:
        data = sf.path.read_bytes()
    except OSError:
        return False
    return hashlib.sha256(data).hexdigest() == sf.sha256 if sf.sha256 else len(data) == sf.size


def _stall(stage: str) -> None:
    """The test hook: log the stage reached, then wait for a line on standard input (or its end)."""
    if os.environ.get(STALL_ENV) == stage:
        log.warning("测试暂停点：%s", stage)
        if sys.stdin:
            sys.stdin.readline()


def _free_name(path: Path) -> Path:
    n, candidate = 1, path
    while candidate.exists() or candidate.is_symlink():
        candidate = path.with_name(numbered(path.name, n))
        n += 1
    return candidate


@dataclass
class RolledBack:
    period: str
    set_aside: Path | None
    returned: list[Path]
    backup: Path | None


def rollback_latest(config) -> RolledBack:
    """Undo the latest period: a checked backup of the database first (so the rollback itself can be undone
    with `restore`), then that period's rows removed in one transaction; its run folder is renamed aside
    (outbox/.<period>.rolled-back-<time>), and the inputs it archived go back to the inbox. Nothing is deleted."""
    db, outbox = Path(config.paths["database"]), Path(config.paths["outbox"])
    if not db.exists():
        raise UsageError(f"数据库 {db} 不存在，没有可撤销的期次")
    settings = config.run
    keep = settings.keep_db_backups
    with run_locks([lock_path(db), outbox_lock(outbox)], float(settings.lock_wait_seconds)):
        store = Store(db, config.ledger.item_id_format)
        try:
            period = store.latest_period()
            if not period:
                raise UsageError(f"数据库 {db} 中还没有任何期次，没有可撤销的")
            backup = store.backup(backup_folder(db), keep=keep) if not is_current(db) else None
            store.roll_back_latest()
        finally:
            store.close()
    folder = outbox / period
    aside = None
    if folder.is_dir():
        aside = _free_name(outbox / f".{period}.rolled-back-{datetime.now():%Y%m%d-%H%M%S}")
        os.replace(folder, aside)
    returned = []
    archived = Path(config.paths["archive"]) / period
    if settings.archive_inbox and archived.is_dir():
        inbox = Path(config.paths["inbox"])
        for f in sorted(archived.iterdir()):
            if f.is_file():
                target = _free_name(inbox / f.name)
                shutil.move(str(f), str(target))
                returned.append(target)
    return RolledBack(period, aside, returned, backup)
