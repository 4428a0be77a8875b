"""The one place that knows the order of the stages: intake → validate → classify → merge → store → reports.

Wiring only: every step is a function of its stage's module; this module calls them in order, inside
the run locks and the database transaction."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

import pandas as pd

from pipeline.classify import classify
from pipeline.core import findings as fnd
from pipeline.core.context import RunContext, wall_clock
from pipeline.core.errors import PipelineError, UsageError
from pipeline.core.names import HELD_FOLDER
from pipeline.intake.files import Intake, period_inputs, read_inputs, require_readable, submitted_departments
from pipeline.runtime.archive import archive_inputs, return_archived, set_aside
from pipeline.runtime.backups import backup_after_commit, backup_folder, check_before_run, is_current, lock_path
from pipeline.runtime.lock import run_locks
from pipeline.runtime.workspace import RunFolder, clean_leftovers, finished_periods, outbox_lock
from pipeline.store import Store
from pipeline.validate import count_rows, split_accepted, validate

log = logging.getLogger(__name__)
# `check` needs only the stages up to classification (checked_rows): what comes after (corrections, merge,
# ledger, the outputs and reports) is imported inside the functions that use it, so `check` does not load it.


@dataclass
class RunResult:
    ctx: RunContext
    run_dir: Path
    summary: dict
    notes: list[str] = field(default_factory=list)
    warnings: dict[str, int] = field(default_factory=dict)  # file name -> its 提醒 findings (for the replies)
    replies: list[str] = field(default_factory=list)  # what mailing the feedback did, one line each
    reply_error: PipelineError | None = None  # mailing failed after the period was saved


def run_and_reply(ctx: RunContext, doc_number: int | None = None) -> RunResult:
    """`python -m pipeline run`: the period, then (when mail.replies is on) each sender's feedback by mail."""
    result = run_period(ctx, doc_number)
    if ctx.config.mail.replies:
        from pipeline.mail.mailbox import send_feedback

        try:
            result.replies = send_feedback(ctx.config, result.run_dir, result.summary, result.warnings)
        except PipelineError as exc:
            result.reply_error = exc
    return result


def checked_rows(paths: list[Path], ctx: RunContext) -> tuple[Intake, pd.DataFrame, pd.DataFrame]:
    """Intake, validation and classification of files: (intake, clean rows, all findings)."""
    from pipeline.mail.senders import sender_findings

    intake = read_inputs(paths, ctx.config, ctx.as_of)
    intake.findings = fnd.concat(intake.findings, sender_findings(intake.files, ctx.path("inbox")))
    clean, validation = validate(intake.rows, ctx.config)
    clean, classification = classify(clean, ctx.config)
    return intake, clean, fnd.concat(intake.findings, validation, classification)


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
        store = Store(db, ctx.config.ledger.item_id_format, now=ctx.now)
        try:
            store.check_rerun(ctx.period)
            if not is_current(db):
                store.backup(backup_folder(db), keep=keep)
            result = _run(store, ctx, doc_number, checked)
            result.notes += backup_after_commit(store, keep)
            return result
        finally:
            store.close()


def _read_period_inputs(ctx: RunContext) -> tuple[Intake, pd.DataFrame, pd.DataFrame]:
    """The period's files read and checked, before the database is opened."""
    paths = period_inputs(ctx.path("inbox"), ctx.path("archive") / ctx.period, ctx.path("quarantine") / ctx.period)
    log.info("期次 %s：读取 %d 个来件", ctx.period, len(paths))
    intake, clean, found = checked_rows(paths, ctx)
    require_readable(intake.files, ctx.path("inbox"))
    return intake, clean, found


def _run(store: Store, ctx: RunContext, doc_number: int | None, checked) -> RunResult:
    from pipeline.corrections import office_decisions
    from pipeline.ledger import follow_up_findings, items_for_ledger, update_ledger
    from pipeline.merge.match import merge_rows
    from pipeline.outputs.manifest import build_summary, period_totals_row
    from pipeline.reports.figures import ReportInput

    intake, clean, found = checked
    accepted, returned_keys = split_accepted(clean, found)
    decisions, correction_findings = office_decisions(ctx.path("corrections"), ctx.config)
    doc_number = doc_number or store.doc_number(ctx.period) or store.next_doc_number(ctx.config.office.doc_number_start)
    folder = RunFolder(ctx.run_dir, keep_previous=ctx.config.run.keep_previous_runs, now=ctx.now)
    try:
        with store.transaction():
            store.discard_period(ctx.period)
            previous = store.ledger_before(ctx.period)
            log.info("校验完成：%d 行收录，%d 行退回；开始并单", len(accepted), len(clean) - len(accepted))
            merged = merge_rows(
                accepted, previous, decisions, ctx.config, store.id_allocator(ctx.as_of.year, ctx.period)
            )
            update = update_ledger(
                previous,
                items_for_ledger(merged, found),
                ctx,
                submitted_departments(intake.files),
                decisions,
                merged.absorbed,
            )
            found = fnd.concat(found, follow_up_findings(update.not_resubmitted, previous, intake.files))
            count_rows(intake.files, clean, returned_keys)
            summary = build_summary(ctx, intake.files, update, len(merged.new_ids), len(merged.suspects))
            summary["held"] = _held_mail(ctx)
            this_period = period_totals_row(ctx, summary, update)
            history = pd.concat([store.period_totals(), pd.DataFrame([this_period])], ignore_index=True)
            log.info("总台账 %d 项；生成报告", len(update.ledger))
            report = ReportInput(
                ctx=ctx,
                summary=summary,
                ledger=update.ledger,
                findings=found,
                history=history,
                doc_number=doc_number,
                issue_no=len(store.periods()) + 1,
                new_ids=frozenset(merged.new_ids),
                closed_ids=frozenset(update.closed_ids),
                previous=update.previous,
                unit_missing_ids=frozenset(update.unit_missing),
                suspects=merged.suspects,
                warnings=fnd.per_file(found, fnd.WARNING),
            )
            notes = _write_outputs(folder.tmp, report, intake, merged.rows)
            for absorbed_id, into in merged.absorbed.items():
                store.mark_absorbed(absorbed_id, into, ctx.period)
            store.record_corrections(decisions, ctx.period)
            store.save_period(
                ctx.period,
                ctx.as_of,
                update.ledger,
                intake.files,
                merged.suspects,
                summary,
                doc_number,
                closed=this_period["closed"],
            )
    except BaseException:  # nothing was committed: the half-written folder goes too (on a full disk, its space)
        folder.abandon()
        raise
    folder.commit()
    if ctx.config.run.archive_inbox:
        notes += archive_inputs(
            ctx.path("inbox"), ctx.path("archive") / ctx.period, ctx.path("quarantine") / ctx.period, intake.files
        )
    notes += [f"人工更正表：{m}" for m in correction_findings["message"]]
    return RunResult(ctx, ctx.run_dir, summary, notes, report.warnings)


def _held_mail(ctx: RunContext) -> list[dict]:
    """Files from unregistered mail senders, waiting in quarantine for the office's release (the mail
    module is loaded only when there are some)."""
    if not (ctx.config.paths["quarantine"] / HELD_FOLDER).is_dir():
        return []
    from pipeline.mail.mailbox import held_files

    return held_files(ctx.config)


def _write_outputs(folder: Path, report, intake: Intake, matched: pd.DataFrame) -> list[str]:
    """Every file of the run folder from the ReportInput; `matched`: the merge's rows with the item each joined.
    The documents and the feedback workbooks are written by up to run.feedback_workers processes."""
    from pipeline.outputs.feedbacks import feedback_jobs
    from pipeline.outputs.tables import rejected_table, write_csv, write_json
    from pipeline.reports.documents import report_jobs  # reports are optional heavy imports; keep them out of `check`
    from pipeline.runtime.parallel import run_jobs

    write_csv(report.ledger.drop(columns=["corrected"]), folder / "ledger.csv")
    write_csv(rejected_table(report.findings), folder / "rejected.csv")
    documents = report_jobs(folder, report)
    feedback = feedback_jobs(folder / "feedback", report.ctx, intake, report.findings, matched, report.ledger)
    log.info("生成通报、汇总表和 %d 份反馈表", len(feedback))
    written = run_jobs([*documents, *feedback], report.ctx.config.run.feedback_workers)
    write_json(report.summary, folder / "run.json")
    return [note for notes in written[: len(documents)] for note in notes]


def remind(config, as_of, deadline: str | None = None) -> list[str]:
    """`python -m pipeline remind`: 催报 mail to the departments missing in the period of `as_of` (all of
    them when the period has not run); `deadline` defaults to office.weekly_deadline."""
    from pipeline.core.context import period_of
    from pipeline.mail.mailbox import missing_departments, send_reminders

    period, db = period_of(as_of), Path(config.paths["database"])
    summary = None
    if db.exists():
        with Store(db, config.ledger.item_id_format) as store:
            summary = store.run_summary(period)
    deadline = deadline or config.office.weekly_deadline or "本周报送截止"
    return send_reminders(config, missing_departments(config, summary), period, deadline)


@dataclass
class RolledBack:
    period: str
    set_aside: Path | None
    returned: list[Path]
    backup: Path | None


def rollback_latest(config, now: datetime | None = None) -> RolledBack:
    """Undo the latest period: a checked backup of the database first (so the rollback itself can be undone
    with `restore`), then that period's rows removed in one transaction; its run folder is renamed aside
    (outbox/.<period>.rolled-back-<time>), and the inputs it archived or quarantined go back to the inbox, as
    they were before the run (only the run's own 原因 notes beside rejected files go). Files held from
    unregistered mail senders (quarantine/held/) were never the run's: they stay held. `now`: the command's
    clock (the time in the backup's and the set-aside folder's names)."""
    now = now or wall_clock()
    db, outbox = Path(config.paths["database"]), Path(config.paths["outbox"])
    if not db.exists():
        raise UsageError(f"数据库 {db} 不存在，没有可撤销的期次")
    settings = config.run
    keep = settings.keep_db_backups
    with run_locks([lock_path(db), outbox_lock(outbox)], float(settings.lock_wait_seconds)):
        store = Store(db, config.ledger.item_id_format, now=now)
        try:
            period = store.latest_period()
            if not period:
                raise UsageError(f"数据库 {db} 中还没有任何期次，没有可撤销的")
            backup = store.backup(backup_folder(db), keep=keep) if not is_current(db) else None
            store.roll_back_latest()
        finally:
            store.close()
    aside = set_aside(outbox, period, now)
    returned = []
    if settings.archive_inbox:
        returned = return_archived(
            Path(config.paths["archive"]) / period,
            Path(config.paths["inbox"]),
            Path(config.paths["quarantine"]) / period,
        )
    return RolledBack(period, aside, returned, backup)
