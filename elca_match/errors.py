"""The error tree, the Problem record and the catalogue of messages.

Every user-facing failure is an :class:`ElcaError` carrying an exit code and, where a
file is involved, one or more :class:`Problem` records that say where (file, row,
column), what (value, what is allowed, the closest match) and what to do. The CLI
prints them in exactly one place; library code never prints.

Rows are counted as the user sees them: the header is row 1, the first answer row 2.
A command-line option is named by its parameter (:class:`Option`, ``{opt[name]}`` in a
template); only the CLI spells it as a flag, when the error leaves a command (``respell``).
"""

from __future__ import annotations

import errno
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

# One catalogue of message templates. Placeholders are filled from Problem.params
# plus file/row/column/value; keep each message one sentence of what, one of what to do.
MESSAGES: dict[str, str] = {
    # files that cannot be read as a table
    "file_missing": "the file does not exist; check the path.",
    "file_empty": "the file is empty; export the responses again.",
    "file_is_folder": "this is a folder, not a file; name the export files inside it (e.g. folder/*.xlsx).",
    "file_several_sheets": "the sheet holds the same columns as sheet {first!r}, so the answers are split over several sheets and only one would be read; put all answers on one sheet or save each sheet as its own file.",
    "files_rejected": "{files} rejected, nothing was stored: {count} invalid answers (fix them, or pass {opt[skip_invalid]} to store the valid rows and set the others aside).",
    "file_header_only": "the file has a header row but no rows under it; add the rows (a survey export: export the responses again, with the answers).",
    "file_binary": "the file is not a CSV or XLSX table ({detail}); export it from the survey tool as CSV or XLSX.",
    "file_broken_xlsx": "the file looks like an Excel workbook but cannot be opened ({detail}); open it in Excel and save it again as .xlsx.",
    "file_too_large": "the file is refused because {detail}; split it into smaller files or export it again.",
    "file_encoding": "the file's text encoding could not be recognised; save it as UTF-8 CSV.",
    "row_too_long": "the row has {count} cells but the header has only {width}; check for an unquoted delimiter in that row.",
    "nul_byte": "the file contains NUL bytes, so it is not a text table; export it again as CSV or XLSX.",
    "control_characters": "the text holds control characters (such as NUL) that no survey tool writes; remove them and export again.",
    "cell_too_long": "the cell is {length} characters long, more than the {limit} allowed; shorten it.",
    "missing_column": "the required column is missing (looked for its code and its label in every questionnaire language); add the column or rename the header to {expected}.",
    "duplicate_column": "two columns map to the same question {expected}; keep one of them.",
    "unknown_column": "the column matches no question{suggestion}; rename it or pass {opt[ignore_unknown_columns]}.",
    "no_adapter": "no adapter recognises this file (tried: {tried}); check it is a survey export, or force one with {opt[adapter]} NAME.",
    "unknown_adapter": "there is no adapter with that name{suggestion}; use one of: {allowed}.",
    "limesurvey_headings": "this LimeSurvey export has question-text headings, but LimeSurvey columns are matched on question codes only; export the responses again with Headings set to 'Question code' (or 'Question code & question text').",
    "file_not_regular": "the path is {detail}, not a regular file, so it is not read; export the responses to a file and name that file.",
    "file_unreadable": "the file cannot be opened ({detail}); check its permissions and the path.",
    "stray_bytes": "the bytes {bytes} are not UTF-8 like the rest of the file and were read as Windows-1252; check the value, or save the file as UTF-8 again.",
    "foreign_script": "the file's encoding was recognised as {encoding}, which reads as {script} letters (e.g. {sample!r}) that none of the questionnaire's languages uses; if the text looks wrong, save the file as UTF-8 and ingest it again.",
    "ambiguous_choices": "the commas can be read as {readings}; separate the answers with ';' as the template does.",
    "submission_date_unmapped": "no column was read as the survey tool's completion time, so {count} of {rows} rows have no {question}{ignored}; if the export holds that column under another name, rename it to {expected} and ingest the file again.",
    "columns_ignored": "{count} columns matched no question and were ignored: {columns}; check that none of them holds answers or the submission time.",
    "surveymonkey_header": "{detail}; export the responses again as 'All individual responses' with the default two header rows (question, then answer option).",
    # values
    "required_empty": "a required answer is empty; fill it in.",
    "unknown_choice": "the value is not one of the allowed answers{suggestion}; use a code or label of: {allowed}.",
    "not_integer": "the value is not a whole number; write a number such as {example}.",
    "out_of_range": "the value is outside the allowed range {low}..{high}; correct it.",
    "negative": "the value must not be negative; correct it.",
    "bad_consent": "consent must be yes or no (in any questionnaire language); correct it.",
    "bad_date": "the value is not a date or time (use YYYY-MM-DD or YYYY-MM-DD HH:MM); correct it.",
    "bad_email": "the value is not an e-mail address; correct it or leave it empty.",
    "unknown_country": "the value is not a country this tool knows{suggestion}; use an ISO code such as DE or an English name.",
    "duplicate_id": "the id {value} occurs more than once in the file (first on row {first_row}); make ids unique.",
    "trl_order": "trl_min {low} is greater than trl_max {high}; swap or correct them.",
    "date_order": "end_date {high} is before start_date {low}; correct the dates.",
    "validity_order": "valid_to {high} is before valid_from {low}; correct the validity dates.",
    "unknown_reference": "the {what} {value} does not exist in the database{suggestion}; import it first or correct the reference.",
    # lookups and command-line values
    "unknown_name": "there is no {what} called {value}{suggestion}; use one of: {allowed}.",
    "catalogue_missing_column": "the required column {expected} is missing from the {what} file; add it (the columns are: {allowed}).",
    "catalogue_unknown_column": "the column is not one of the {what} file's columns{suggestion}; rename or remove it (the columns are: {allowed}).",
    "catalogue_duplicate_column": "the column {expected} appears twice; keep one of them.",
    "region_not_country": "the value names a region ({allowed}), not one country; give one country per row.",
    "not_positive": "the value must be a whole number of at least 1; correct it.",
    "unknown_market": "no country or region has that name{suggestion}; use an ISO code such as JP, a country name in English, German, Italian, Polish, French or Spanish, or a region: {regions}.",
    "not_found": "no {what} matches {value}{suggestion}; list them with `{hint}`.",
    "no_opportunities": "no opportunity in the catalogue matches {value}; there are opportunities for {allowed}; list them with `elca-match opportunities list`.",
    "ambiguous": "{value} matches several {what}s ({allowed}); give the id instead.",
    "empty_database": "the database has no {what} yet; {hint}.",
    # command-line options: each kind of wrong option its own code (never one catch-all)
    "command_line": "{detail}; see {help} for the options.",
    "option_repeated": "{option} is given {count} times ({values}) but takes one value; give it once.",
    "options_conflict": "{option} cannot go with {other}; give one or the other.",
    "options_exactly_one": "give exactly one of {options} (got {got}).",
    "option_required": "{what} needs {option}; add it.",
    "option_needs": "{option} works only with {needed}; add {needed}, or drop {option}.",
    "option_out_of_range": "{option} must be {allowed}; correct it.",
    "option_unknown_value": "there is no {what} called {value} for {option}{suggestion}; use one of: {allowed}.",
    "option_not_a_date": "{option} {given!r} is not a date; use YYYY-MM-DD.",
    "option_not_a_day_or_month": "{option} {given}: not a day or a month; write YYYY-MM-DD or YYYY-MM, e.g. 2027-06-30 or 2027-06.",
    "option_order": "{option} {low} is after {other} {high}; swap or correct them.",
    "no_such_period": "{option} {period} is not a reporting period of the action (1 to {periods}, {months} months each from {start}); choose one of them.",
    "require_syntax": "{option} takes ORGANISATION@MISSION, e.g. {option} 'Leichtbau Sachsen GmbH@M06'; correct it.",
    "plan_base_invalid": "{option} takes a saved plan's id (see `elca-match plan list`) or {record} for the plan of record, not {given!r}.",
    "partner_merge_same": "{keep} and {drop} are the same partner ({id}); name two different partners.",
    "xlsx_needs_file": "{opt[format]} xlsx needs {opt[out]} FILE.xlsx{alternative}: a workbook cannot go to the screen.",
    "out_folder_missing": "cannot write {target}: the folder {folder} does not exist; create it or choose another path.",
    "out_is_folder": "{opt[out]} {out} is a folder; give a file name inside it, such as {example}.",
    "out_suffix_mismatch": "{opt[out]} {out} names a .{suffix} file but the format is {fmt}; change the file's suffix or {opt[format]}.",
    "out_would_replace": "{opt[out]} {out} is {what}; writing there would replace it, so nothing was done; choose another file name.",
    "ics_needs_folder": "{opt[format]} ics writes one .ics file per participant into a folder, and {opt[out]} {out} is not one; name a folder, or add {opt[participant]} NAME to write one .ics file.",
    "data_changed": "the members changed while this command ran (another elca-match ingested or forgot data), so nothing was saved; run it again.",
    "db_exists": "the database {value} already exists; pass {opt[force]} to overwrite it or choose another {opt[db]} path.",
    "db_unreadable": "the database cannot be opened ({detail}); check the path or restore a backup.",
    "db_too_new": "the database {value} was written by a newer elca-match (schema version {found}; this one knows versions up to {newest}), so it was left untouched; upgrade elca-match or choose another {opt[db]}.",
    "db_schema_differs": "the tables of the database {value} are not the ones this elca-match expects ({detail}); run `elca-match check` to list the differences, then restore a backup.",
    "check_failed": "{detail}",
    # the disk and the operating system (say what was and was not saved)
    "erase_unfinished": "the organisation's records are deleted, but {detail}, so their bytes may remain in the database file or its write-ahead log; run `elca-match forget --finish` when the database is free again (no other program using it, space on the disk).",
    "disk_full": "the disk holding {value} is full; {saved}; free some space and run the command again.",
    "db_damaged": "the database {value} is damaged ({detail}); {saved}; restore a backup of it.",
    "os_refused": "the system refused to write {value} ({detail}); {saved}; choose a folder you may write to, or free space.",
    # outcome records (events, meetings, third-country organisations, cooperation cases)
    "outcome_column_not_used": "the column does not apply to {what} records; leave it empty or move the value to the right row.",
    "outcome_not_third_country": "{country} is in the EU or takes part in COSME, and the progress report counts only third countries; name the targeted third country.",
    "outcome_unknown_party": "no cluster or member is called {value}{suggestion}; use a cluster code ({clusters}) or a member's name, org_id or key (see `elca-match members list`).",
    "outcome_unknown_partner": "no third-country organisation has the id or name {value}{suggestion}; add it first as an org record (in this file or with `elca-match outcomes add org`).",
    "outcome_country_ambiguous": "the partners are in several countries ({countries}); give the meeting's country.",
    "outcome_partner_country": "the partner {partner} is in {partner_country}, not in {country}; correct the country or the partner.",
    "outcome_bad_flag": "the value must be yes or no; correct it.",
    "outcome_targets_invalid": "{detail}; correct the targets file.",
    "outcome_not_planned": "the {what} {value} is not in the action's plan{suggestion}; use one of: {allowed} (elca_match/builtin/action.yaml).",
    # the questionnaire definition itself
    "definition_invalid": "{detail}; correct the questionnaire definition.",
    "rules_invalid": "{detail}; correct the mission rules file.",
    # mission planning: which constraint cannot be met, by how much, what to relax
    "plan_require_excluded": "{value} is both excluded and required; drop its {opt[exclude]} or its {opt[require]}.",
    "plan_require_consent": "{value} has not consented to share its contact data with partners, so it cannot be required on mission {mission}; pass {opt[include_unconsented]} or drop the {opt[require]}.",
    "plan_require_limit": "member limit: {value} is required on {count} missions but {opt[max_per_member]} is {limit}; raise {opt[max_per_member]} to {count} or drop {excess} of its {opt[require]}.",
    "plan_require_seats": "seats: mission {value} has {count} required members but only {seats} seats; drop {excess} {opt[require]} for it or add seats in the missions file.",
    "plan_require_quota": "cluster quota: mission {value} has {count} required members from cluster {cluster} but a cluster may take only {quota} of its {seats} seats ({opt[cluster_max_share]} {share}); raise {opt[cluster_max_share]} to {suggested} or drop {excess} of those {opt[require]}.",
    "plan_cluster_min_total": "cluster minimum: {opt[cluster_min_seats]} {minimum} for {clusters} clusters needs {needed} seats but the missions have {seats} (short by {short}); lower {opt[cluster_min_seats]} to {suggested}.",
    "plan_cluster_min": "cluster minimum: cluster {cluster} can fill at most {capacity} seats ({detail}) but {opt[cluster_min_seats]} is {minimum} (short by {short}); lower {opt[cluster_min_seats]} to {capacity}, or let more of its members qualify ({opt[include_unconsented]}, {opt[allow_zero_fit]}, fewer {opt[exclude]}, a higher {opt[max_per_member]} or {opt[cluster_max_share]}).",
    "plan_discard_record": "plan #{value} is the plan of record, so it cannot be discarded; adopt another plan first (`elca-match plan adopt ID`), then discard it.",
    "plan_cluster_min_joint": "cluster minimum: each cluster can reach {minimum} seats alone, but not all together, because they compete for the same seats and quotas; lower {opt[cluster_min_seats]} to {suggested} or raise {opt[cluster_max_share]}.",
    # meeting agenda (issue 21): the scheduler's hard constraints and capacity, partners, requests
    "agenda_no_slots": "the mission has no meeting slot (no session, or breaks cover every slot); add a session with `elca-match agenda session` or `elca-match agenda import sessions FILE`.",
    "agenda_sessions_overlap": "two sessions on {value} overlap ({first} and {second}), so a participant could be at two tables at once; merge them into one session or move one.",
    "agenda_capacity": "{constraint} capacity: {value} needs {demand} meeting slots but only {capacity} exist; {relaxation}.",
    "agenda_lock_unknown": "the locked meeting is not a request of this mission any more; unlock it with `elca-match agenda lock --remove`.",
    "agenda_lock_no_slot": "the meeting is locked at {when}, table {table}, which is not a slot and table of the sessions now; unlock it (`elca-match agenda lock --remove`) or restore the session.",
    "agenda_lock_unavailable": "the meeting is locked at {when} but {participant} is not available then; unlock it (`elca-match agenda lock --remove`) or widen the availability.",
    "agenda_lock_clash": "the meeting is locked at {when}, where {participant} already has the locked meeting {other}; unlock one of them with `elca-match agenda lock --remove`.",
    "agenda_lock_table": "the meeting is locked at {when} at table {table}, which the locked meeting {other} holds; unlock one of them with `elca-match agenda lock --remove`.",
    "partner_duplicate": "the name is nearly that of partner {other_id} ({other}) in the same country; use that partner's id, or if they really are one organisation under two ids join them with `elca-match partners merge`.",
    "agenda_bad_time": "the value is not a time of day; write it as HH:MM, e.g. 09:30.",
    "agenda_time_order": "the end is not after the start {start}; correct the times.",
    "agenda_bad_breaks": "breaks must be time ranges such as 12:30-13:30, separated by ';'; correct the value.",
    "agenda_day_outside": "the day is outside mission {mission}'s dates ({start} to {end}); correct the day or the mission's dates.",
    "agenda_unknown_participant": "no member travelling on mission {mission} and no partner in {country} is called that{suggestion}; use a travelling member's name, org_id or key, or a partner's id or name (see `elca-match partners list --country {country}` and the latest `elca-match plan`).",
    "agenda_self_request": "a participant cannot request a meeting with itself; correct from or to.",
    "agenda_no_schedule": "mission {value} has no schedule yet; run `elca-match agenda schedule --mission {value}` first.",
    "agenda_no_meeting": "there is no scheduled meeting between {value} on mission {mission}; see `elca-match agenda show --mission {mission}`.",
}


class Option(str):
    """A command-line option named by its parameter (``top``, ``max_per_member``), as a message parameter.

    Library code names the value that is wrong, never a flag; the command line spells each
    Option as its flag (``--top``) when it presents the error (:meth:`ElcaError.respell`).
    Templates name a fixed option as ``{opt[name]}``.
    """


class Options(tuple):
    """Several options in one message parameter, read as ``a, b or c`` (or ``a and b``)."""

    def __new__(cls, names: Iterable[str], word: str = "or") -> "Options":
        made = super().__new__(cls, (Option(n) for n in names))
        made.word = word
        return made


Spelling = Callable[[str], str]


def _neutral(name: str) -> str:
    return name


def _spell(value: Any, spell: Spelling) -> Any:
    if isinstance(value, Options):
        names = [spell(n) for n in value]
        return names[0] if len(names) == 1 else f"{', '.join(names[:-1])} {value.word} {names[-1]}"
    return spell(value) if isinstance(value, Option) else value


class _Flags(dict):
    """``{opt[name]}`` in a template: the option as the presenter spells it."""

    def __init__(self, spell: Spelling):
        super().__init__()
        self.spell = spell

    def __missing__(self, name: str) -> str:
        return self.spell(name)


# The closed set of error codes: one per catalogue entry, so that a code without a message cannot be raised.
ErrorCode = StrEnum("ErrorCode", [(code, code) for code in MESSAGES])


@dataclass(frozen=True)
class Problem:
    """One thing wrong with an input: where it is, what it is and what to do."""

    code: str  # an ErrorCode (a plain string naming one is turned into it)
    file: str | None = None
    row: int | None = None
    column: str | None = None
    value: Any = None
    params: dict[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        # ValueError for a code the catalogue does not have: a bug, caught where it is made
        object.__setattr__(self, "code", ErrorCode(self.code))

    def where(self, spell: Spelling | None = None) -> str:
        """File, row and column; a column that is an :class:`Option` (a value typed on the command line) as
        ``spell`` names it."""
        parts = []
        if self.file:
            parts.append(f"{self.file}")
        if self.row is not None:
            parts.append(f"row {self.row}")
        if self.column:
            parts.append(f"column {str(_spell(self.column, spell or _neutral))!r}")
        return ", ".join(parts)

    def message(self, spell: Spelling | None = None) -> str:
        """The problem as one readable sentence: where, the value, then what to do.

        ``spell`` names options (the command line: as flags); without it they go by their parameter names.
        """
        template = MESSAGES[self.code]
        spell = spell or _neutral
        params = {key: _spell(value, spell) for key, value in {"value": self.value, **self.params}.items()}
        params.setdefault("suggestion", "")
        params["opt"] = _Flags(spell)
        text = _format(template, params)
        where = self.where(spell)
        value = "" if self.value in (None, "") else f"value {_short(self.value)!r}: "
        head = f"{where}: " if where else ""
        return f"{head}{value}{text}"

    def as_dict(self) -> dict[str, Any]:
        return {
            "code": self.code,
            "file": self.file,
            "row": self.row,
            "column": self.column,
            "value": None if self.value is None else str(self.value),
            "message": self.message(),
        }


def _short(value: Any, limit: int = 80) -> str:
    text = str(value)
    return text if len(text) <= limit else text[: limit - 1] + "…"


class _Defaulting(dict):
    def __missing__(self, key: str) -> str:
        return "?"


def _format(template: str, params: dict[str, Any]) -> str:
    return template.format_map(_Defaulting(params))


def did_you_mean(suggestion: str | None) -> str:
    """Render a suggestion for the ``{suggestion}`` placeholder ('' when there is none)."""
    return f" (did you mean {suggestion!r}?)" if suggestion else ""


class ElcaError(Exception):
    """Base of every error a user can cause; carries its exit code and problems."""

    exit_code = 1
    spell: Spelling | None = None  # how options are named, once the command line has said (respell)
    head: Problem | None = None  # what the whole error says before its problems, when it is not the first one

    def __init__(self, message: str = "", problems: list[Problem] | None = None):
        self.problems: list[Problem] = list(problems or [])
        if not message and self.problems:
            message = self.problems[0].message()
        super().__init__(message)

    @classmethod
    def of(cls, code: str, **kwargs: Any) -> "ElcaError":
        """Build the error from one catalogue entry: ``InputError.of("file_empty", file=...)``."""
        fields = {k: kwargs.pop(k) for k in ("file", "row", "column", "value") if k in kwargs}
        problem = Problem(code, params=kwargs, **fields)
        return cls(problem.message(), [problem])

    @classmethod
    def headed(cls, head: Problem, problems: list[Problem]) -> "ElcaError":
        """The error whose paragraph starts with ``head`` (a catalogue entry), then lists ``problems``."""
        error = cls(head.message(), problems)
        error.head = head
        return error

    def respell(self, spell: Spelling) -> "ElcaError":
        """Name options as ``spell`` does from now on (the command line: its flags); the first caller wins."""
        if self.spell is None:
            said = self.head or (self.problems[0] if self.problems and str(self) == self.problems[0].message()
                                 else None)
            self.spell = spell
            if said is not None:
                self.args = (said.message(spell),)
        return self

    def paragraph(self, limit: int = 20) -> str:
        """The whole error as one paragraph, listing up to ``limit`` problems."""
        head = str(self) if not self.problems or str(self) != self.problems[0].message(self.spell) else ""
        if len(self.problems) == 1:
            return f"{head} {self.problems[0].message(self.spell)}".strip()
        if not self.problems:
            return head
        shown = [p.message(self.spell) for p in self.problems[:limit]]
        more = len(self.problems) - limit
        tail = f" ... and {more} more problems." if more > 0 else ""
        listing = " ".join(f"({i}) {m}" for i, m in enumerate(shown, 1))
        prefix = f"{head} " if head else f"{len(self.problems)} problems: "
        return f"{prefix}{listing}{tail}"


class UsageError(ElcaError):
    """A command-line value is wrong (unknown country, sector, id, option)."""

    exit_code = 2


class InputError(ElcaError):
    """An input file cannot be read as a table."""

    exit_code = 3


class ValidationError(InputError):
    """An input file was read but some of its values are invalid; nothing was stored."""

    exit_code = 4


class NotFoundError(UsageError):
    """A named organisation, opportunity or mission does not exist."""

    exit_code = 5


class StateError(ElcaError):
    """The database is not in a state the command needs (empty, already exists)."""

    exit_code = 6


class InfeasibleError(ElcaError):
    """The mission plan's constraints cannot all be met."""

    exit_code = 7


class DefinitionError(ElcaError):
    """A questionnaire definition or model file in surveys/ or models/ is invalid."""

    exit_code = 8


class StorageError(ElcaError):
    """The disk or the operating system failed (disk full, read-only folder, damaged database file)."""

    exit_code = 10


class SchemaError(StateError):
    """The database was written by a newer elca-match, or its tables are not the expected ones."""

    exit_code = 11


class CheckFailed(ElcaError):
    """`elca-match check` found something wrong in the database."""

    exit_code = 9


def os_failure(exc: OSError, target: object, saved: str) -> StorageError | None:
    """The error to show for an operating-system failure writing ``target`` (None: not one we explain)."""
    if exc.errno in (errno.ENOSPC, errno.EDQUOT):
        return StorageError.of("disk_full", value=str(target), saved=saved)
    if exc.errno in (errno.EROFS, errno.EACCES, errno.EPERM, errno.EIO):
        return StorageError.of("os_refused", value=str(target), detail=exc.strerror or str(exc), saved=saved)
    return None
