"""The interview: ask the rule base's questions in file order, only those that apply.

Everything it shows goes to standard error, so the report on standard output stays clean
when it is piped. The answers are kept in the resume file after every answer.
"""

from __future__ import annotations

from pathlib import Path

import click

from spinewise.errors import OutputError
from spinewise.questionnaire import flow, resume
from spinewise.questionnaire.entry import Command, entry_prompt, entry_type
from spinewise.questionnaire.why import explain, plain_why, wrap


class Interrupted(Exception):
    """The lifter stopped (Ctrl-C or end of input); the message says how to resume."""


def echo(text: str = "", **style) -> None:
    click.secho(text, err=True, **style)


class Interview:
    def __init__(self, triage, path: Path, resume_command: str):
        self.triage = triage
        self.rulebase = triage.rulebase
        self.path = path
        self.resume_command = resume_command
        self.answers: dict = {}
        self.after_emergency: str | None = None
        self.save_problem: str | None = None
        self.section: str | None = None

    # --- the whole run -------------------------------------------------------------------

    def run(self, resume_requested: bool) -> dict:
        """Ask until done; the answers, in the order asked. Raises Interrupted, ResumeError."""
        try:
            self._start(resume_requested)
            self._loop()
        except (click.Abort, KeyboardInterrupt, EOFError):
            raise Interrupted(self._stopped_message()) from None
        return self.answers

    def finished(self) -> None:
        resume.remove(self.path)

    def _start(self, resume_requested: bool) -> None:
        saved = self._load(resume_requested)
        self._introduce()
        if saved and not resume_requested and not click.confirm(
                f"You have an unfinished questionnaire with {_answers(len(saved.answers))}. Continue it?",
                default=True, err=True):
            saved = None
        if saved:
            self.answers = dict(saved.answers)
            self.after_emergency = saved.after_emergency
            echo(f"Continuing your unfinished questionnaire: {_answers(len(self.answers))} kept.")

    def _introduce(self) -> None:
        sections = list(dict.fromkeys(q.section for q in self.rulebase.questions if q.section))
        count = sum(1 for _ in self._still_to_ask())
        echo(self.rulebase.name, bold=True)
        echo(wrap(f"About {count} short questions: {', '.join(sections).lower()}. "
                  "This is educational triage, not a diagnosis."))
        echo(wrap("Type ? at any question to see why it is asked (?? lists the rules behind it), or back "
                  f"to change your previous answer. Ctrl-C stops; your answers are kept and "
                  f"`{self.resume_command}` continues."))

    def _load(self, resume_requested: bool):
        """The saved progress to offer (None when there is none or it is unusable)."""
        try:
            saved = resume.load(self.rulebase, self.path)
        except resume.ResumeError as exc:
            if resume_requested:
                raise
            echo(f"Note: {exc}; starting a new one.", fg="yellow")
            return None
        if resume_requested and saved is None:
            raise resume.ResumeError(f"there is no unfinished questionnaire to resume (looked for {self.path}); "
                                     "run `spinewise assess` to start one")
        return saved if saved and saved.answers else None

    def _loop(self) -> None:
        while True:
            if self._at_emergency() and not self._emergency_handled():
                echo(f"\nStopping here: the report is made from your {_answers(len(self.answers))} "
                     "and lists the questions not asked.\n")
                return
            question = self._next_question()
            if question is None:
                echo("\nThat was the last question.\n")
                return
            value = self._ask(question)
            if value is Command.BACK:
                self._back()
                continue
            self.answers[question.id] = value
            self._save()

    # --- questions -----------------------------------------------------------------------

    def _next_question(self):
        return flow.next_question(self.rulebase, self.answers)

    def _still_to_ask(self):
        return flow.still_to_ask(self.rulebase, self.answers)

    def _ask(self, question):
        self._show(question)
        while True:
            value = click.prompt(entry_prompt(question), type=entry_type(question), err=True)
            if value not in (Command.WHY, Command.RULES):
                self._confirm_choice(question, value)
                return value
            echo()
            if value is Command.WHY:
                echo("\n".join(wrap(line, "  ") for line in plain_why(question, self.rulebase, self.triage.rules)))
                echo(wrap("Type ?? to see the rules that use your answer.", "  "), dim=True)
            else:
                echo(explain(question, self.rulebase, self.triage.rules))
            echo()
            echo(wrap(question.text), bold=True)
            self._show_choices(question)

    def _show(self, question) -> None:
        if question.section and question.section != self.section:
            echo()
            echo(f"== {question.section} ==", bold=True)
        self.section = question.section
        echo()
        echo(str(flow.progress(self.rulebase, self.answers, question.id)), dim=True)
        echo(wrap(question.text), bold=True)
        if question.hint:
            echo(wrap(question.hint, "  "))
        self._show_choices(question)

    @staticmethod
    def _show_choices(question) -> None:
        for index, choice in enumerate(question.choices, start=1):
            echo(f"  {index}) {choice.label}")

    @staticmethod
    def _confirm_choice(question, value) -> None:
        """Numbers are easy to mistype: say in words what was chosen."""
        if question.choices and value is not Command.BACK:
            chosen = value if isinstance(value, list) else [value]
            labels = [choice.label for choice in question.choices if choice.value in chosen]
            echo(wrap("= " + "; ".join(labels), "  "), dim=True)

    def _back(self) -> None:
        if not self.answers:
            echo("This is the first question; there is no previous answer to change.")
            return
        self.answers.popitem()
        if not self._at_emergency():
            self.after_emergency = None
        self.section = None
        self._save()

    # --- the emergency -------------------------------------------------------------------

    def _at_emergency(self) -> bool:
        return flow.reaches_stop(self.triage, self.answers)

    def _emergency_handled(self) -> bool:
        """Show the emergency advice once and ask whether to go on; False to stop asking."""
        if self.after_emergency is None:
            self._show_emergency()
            remaining = sum(1 for _ in self._still_to_ask())
            if remaining:
                echo("Acting on this advice comes first.", bold=True)
            go_on = remaining > 0 and click.confirm(
                f"Answer the other {remaining} questions for a full report anyway?", default=False, err=True)
            self.after_emergency = "finish" if go_on else "stop"
            self._save()
        return self.after_emergency == "finish"

    def _show_emergency(self) -> None:
        disposition = flow.stop_disposition(self.rulebase)
        echo()
        echo(f"!! {disposition.title.upper()} !!", fg="red", bold=True)
        echo(wrap(disposition.advice.strip(), "   "), fg="red")
        echo()

    # --- keeping the answers -------------------------------------------------------------

    def _save(self) -> None:
        if not self.answers:
            resume.remove(self.path)
            return
        try:
            resume.save(resume.Progress(self.answers, self.after_emergency), self.rulebase, self.path)
            self.save_problem = None
        except OutputError as exc:
            if self.save_problem is None:
                echo(f"Note: {exc}; if you stop now, your answers are lost.", fg="yellow")
            self.save_problem = str(exc)

    def _stopped_message(self) -> str:
        if not self.answers:
            return "\nStopped before the first answer; nothing was kept."
        if self.save_problem:
            return f"\nStopped. Your answers could not be kept: {self.save_problem}."
        return (f"\nStopped. Your {_answers(len(self.answers))} are kept in {self.path}.\n"
                f"To continue where you stopped, run: {self.resume_command}")


def _answers(count: int) -> str:
    return "1 answer" if count == 1 else f"{count} answers"


def run_questionnaire(triage, resume_requested: bool, resume_command: str = "spinewise assess --resume"):
    """Run the questionnaire; the Interview, whose `.answers` are complete (or reach emergency)."""
    interview = Interview(triage, resume.resume_path(), resume_command)
    interview.run(resume_requested)
    return interview
