"""The interview: ask the rule base's questions in file order, only those that apply.

Everything it shows goes to standard error, so the report on standard output stays clean
when it is piped, and every line is wrapped to the terminal's width (see `say`). The
answers are kept in the resume file after every answer, with where `--save-answers`
should write them, so a resumed questionnaire still writes them there.
"""

from __future__ import annotations

from babel.lists import format_list

from spinewise.i18n import gettext as _
from spinewise.i18n import language, ngettext, pgettext
from spinewise.rulebase.words import in_language

from pathlib import Path

import click

from spinewise.errors import OutputError
from spinewise.questionnaire import flow, resume
from spinewise.questionnaire.entry import Command, OrCommand, YesNo, entry_prompt, entry_type
from spinewise.questionnaire.why import explain, plain_why, wrap


class Interrupted(Exception):
    """The lifter stopped (Ctrl-C or end of input); the message says how to resume."""


def say(text: str = "", indent: str = "", rest: str | None = None, **style) -> None:
    """Print `text` to standard error, each of its lines wrapped to the terminal's width."""
    lines = [wrap(line, indent, rest) if line.strip() else "" for line in text.split("\n")]
    click.secho("\n".join(lines), err=True, **style)


def ask(prompt: str, kind: click.ParamType, default: str | None = None):
    """One line typed by the lifter, converted by `kind`; asked again, with a wrapped error, until it fits.

    The prompt and the error are wrapped like everything else (Click's own prompt would
    print them as one long line); Ctrl-C and end of input raise click.Abort.
    """
    shown = f"{prompt} [{default}]:" if default is not None else f"{prompt}:"
    while True:
        typed = click.prompt(wrap(shown), default="", show_default=False, prompt_suffix=" ", err=True)
        if not typed.strip() and default is not None:
            typed = default
        try:
            return kind.convert(typed, None, None)
        except click.BadParameter as exc:
            say(f"Error: {exc.message}")


class Interview:
    def __init__(self, triage, path: Path, resume_command: str, save_answers: str | None = None):
        self.triage = triage
        self.rulebase = in_language(triage.rulebase)
        self.path = path
        self.resume_command = resume_command
        self.save_answers = save_answers  # where --save-answers writes the answers, kept across --resume
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
        self._introduce(saved)
        if saved and not resume_requested and not self._continue_saved(saved):
            saved = None
        if saved:
            self.answers = dict(saved.answers)
            self.after_emergency = saved.after_emergency
            self.save_answers = self.save_answers or saved.save_answers
            say(_("Continuing your unfinished questionnaire: %(answers)s kept.") % {"answers": _answers(len(self.answers))})
            if saved.save_answers and self.save_answers == saved.save_answers:
                say(_("Your answers will be written to %(file)s at the end, as asked when you started.")
                    % {"file": self.save_answers})

    def _continue_saved(self, saved) -> bool:
        """Whether to continue the saved questionnaire; starting again forgets it only when the lifter says so."""
        kept = _answers(len(saved.answers))
        if ask(_("You have an unfinished questionnaire with %(answers)s. Continue it? (y/n)") % {"answers": kept},
               YesNo(), _("y")):
            return True
        if ask(_("Start again and forget those %(answers)s? (y/n)") % {"answers": kept}, YesNo(), _("n")):
            say(_("Starting again; the earlier answers are forgotten once you answer the first question."))
            return False
        return True

    def _introduce(self, saved) -> None:
        sections = list(dict.fromkeys(q.section for q in self.rulebase.questions if q.section))
        count = flow.remaining(self.rulebase, {})
        say(self.rulebase.name, bold=True)
        topics = format_list([section.lower() for section in sections], locale=language())
        if count.fewest == count.most:
            say(ngettext("%(count)s short question: %(topics)s. This is educational triage, not a diagnosis.",
                         "%(count)s short questions: %(topics)s. This is educational triage, not a diagnosis.",
                         count.most) % {"count": count, "topics": topics})
        else:
            say(_("%(count)s short questions, depending on your answers: %(topics)s. This is educational triage, "
                  "not a diagnosis.") % {"count": count, "topics": topics})
        say(_("Type ? at any question to see why it is asked (?? lists the rules behind it), or back to change "
              "your previous answer. Ctrl-C stops; your answers are kept and %(command)s continues.")
            % {"command": self.resume_command})

    def _load(self, resume_requested: bool):
        """The saved progress to offer (None when there is none or it is unusable)."""
        try:
            saved = resume.load(self.rulebase, self.path)
        except resume.ResumeError as exc:
            if resume_requested:
                raise
            say(_("Note: %(problem)s; starting a new one.") % {"problem": exc}, fg="yellow")
            return None
        if resume_requested and saved is None:
            raise resume.ResumeError(f"there is no unfinished questionnaire to resume (looked for {self.path}); "
                                     "run `spinewise assess` to start one")
        return saved if saved and saved.answers else None

    def _loop(self) -> None:
        while True:
            if self._at_emergency() and not self._emergency_handled():
                say("\n" + _("Stopping here: the report is made from your %(answers)s and lists the questions "
                             "not asked.") % {"answers": _answers(len(self.answers))} + "\n")
                return
            question = self._next_question()
            if question is None:
                say("\nThat was the last question.")
                if self._at_emergency():
                    self._show_emergency()
                say()
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

    def _ask(self, question, default=None, note: str = ""):
        self._show(question)
        if note:
            say(note, dim=True)
        kind = entry_type(question)
        while True:
            value = ask(entry_prompt(question), kind, default)
            if value not in (Command.WHY, Command.RULES):
                self._confirm_choice(question, value)
                return value
            say()
            if value is Command.WHY:
                say("\n".join(plain_why(question, self.rulebase, self.triage.rules)), "  ")
                say(_("Type ?? to see the rules that use your answer."), "  ", dim=True)
            else:
                click.echo(explain(question, self.rulebase, self.triage.rules), err=True)  # wrapped as it is made
            say()
            say(question.text, bold=True)
            self._show_choices(question)

    def _show(self, question) -> None:
        if self.after_emergency == "finish":
            say()
            self._emergency_banner()
        if question.section and question.section != self.section:
            say()
            say(f"== {question.section} ==", bold=True)
        self.section = question.section
        say()
        say(str(flow.progress(self.rulebase, self.answers, question.id)), dim=True)
        say(question.text, bold=True)
        if question.hint:
            say(question.hint, "  ")
        self._show_choices(question)

    @staticmethod
    def _show_choices(question) -> None:
        for index, choice in enumerate(question.choices, start=1):
            label = f"  {index}) "
            say(choice.label, label, " " * len(label))

    @staticmethod
    def _confirm_choice(question, value) -> None:
        """Numbers are easy to mistype: say in words what was chosen."""
        if question.choices and value is not Command.BACK:
            chosen = value if isinstance(value, list) else [value]
            labels = [choice.label for choice in question.choices if choice.value in chosen]
            say("= " + "; ".join(labels), "  ", dim=True)

    def _back(self) -> None:
        """Ask the previous question again, its earlier answer offered as the default."""
        if not self.answers:
            say(_("This is the first question; there is no previous answer to change."))
            return
        qid, earlier = self.answers.popitem()
        if not self._at_emergency():
            self.after_emergency = None
        self.section = None
        self._save()
        question = self.rulebase.question(qid)
        value = self._ask(question, default=_typed(question, earlier),
                          note=_("Your earlier answer: %(answer)s. Press Enter to keep it, or type another.")
                          % {"answer": answer_words(question, earlier)})
        if value is Command.BACK:
            self._back()
            return
        self.answers[qid] = value
        self.answers = flow.keep_asked(self.rulebase, self.answers)
        self._save()

    # --- the emergency -------------------------------------------------------------------

    def _at_emergency(self) -> bool:
        return flow.reaches_stop(self.triage, self.answers)

    def _emergency_handled(self) -> bool:
        """Show the emergency advice once and ask whether to go on; False to stop asking."""
        if self.after_emergency is None:
            self._show_emergency()
            left = flow.remaining(self.rulebase, self.answers)
            go_on = False
            if left.most:
                say(_("Acting on this advice comes first."), bold=True)
                go_on = self._ask_to_go_on(left)
            self.after_emergency = "finish" if go_on else "stop"
            self._save()
        return self.after_emergency == "finish"

    def _ask_to_go_on(self, left) -> bool:

        while True:
            choice = ask(ngettext("Answer the other %(count)s question for a full report anyway? (y/n; ? = what this means)",
                                  "Answer the other %(count)s questions for a full report anyway? (y/n; ? = what this means)",
                                  left.most) % {"count": left}, OrCommand(YesNo()), _("n"))
            if isinstance(choice, bool):
                return choice
            say("\n" + _("Yes: the questions go on (%(count)s more), this warning stays on screen, and the report at "
                         "the end covers everything you answered.") % {"count": left}, "  ")
            say(_("No: the report is made now from your %(answers)s; it lists the questions not asked. Either way, "
                  "acting on the advice comes first.") % {"answers": _answers(len(self.answers))} + "\n", "  ")

    def _show_emergency(self) -> None:
        say()
        self._emergency_banner()
        say(flow.stop_disposition(self.rulebase).advice.strip(), "  ", fg="red")
        say()

    def _emergency_banner(self) -> None:
        """The emergency title as the reports print it: a worded warning, not only a colour."""
        say(_("WARNING: %(title)s") % {"title": flow.stop_disposition(self.rulebase).title.upper()}, fg="red", bold=True)

    # --- keeping the answers -------------------------------------------------------------

    def _save(self) -> None:
        if not self.answers:
            resume.remove(self.path)
            return
        try:
            resume.save(resume.Progress(self.answers, self.after_emergency, self.save_answers),
                        self.rulebase, self.path)
            self.save_problem = None
        except OutputError as exc:
            if self.save_problem is None:
                say(_("Note: %(problem)s; if you stop now, your answers are lost.") % {"problem": exc}, fg="yellow")
            self.save_problem = str(exc)

    def _stopped_message(self) -> str:
        if not self.answers:
            return "\n" + wrap(_("Stopped before the first answer; nothing was kept."))
        if self.save_problem:
            return "\n" + wrap(_("Stopped. Your answers could not be kept: %(problem)s.") % {"problem": self.save_problem})
        lines = [ngettext("Stopped. Your %(count)s answer is kept in %(file)s.",
                          "Stopped. Your %(count)s answers are kept in %(file)s.", len(self.answers))
                 % {"count": len(self.answers), "file": self.path}]
        if self.save_answers:
            lines.append(_("They will be written to %(file)s when you finish.") % {"file": self.save_answers})
        lines.append(_("To continue where you stopped, run: %(command)s") % {"command": self.resume_command})
        return "\n" + "\n".join(wrap(line) for line in lines)


def _answers(count: int) -> str:
    return ngettext("%(count)s answer", "%(count)s answers", count) % {"count": count}


def answer_words(question, value) -> str:
    """An answer in the lifter's words and language."""
    if question.type == "bool":
        return pgettext("answer", "yes") if value else pgettext("answer", "no")
    return question.answer_text(value)


def _typed(question, value) -> str:
    """An answer as the lifter would type it at the prompt, to offer it as the default."""
    if question.type == "bool":
        return _("y") if value else _("n")
    if question.type == "int":
        return str(value)
    numbers = {choice.value: str(index) for index, choice in enumerate(question.choices, start=1)}
    return ",".join(numbers[item] for item in (value if isinstance(value, list) else [value]))


def run_questionnaire(triage, resume_requested: bool, resume_command: str = "spinewise assess --resume",
                      save_answers: str | None = None):
    """Run the questionnaire; the Interview, whose `.answers` are complete (or reach emergency).

    `save_answers` is where the answers file goes at the end; a resumed questionnaire
    remembers it from when it was started, so `.save_answers` says where to write.
    """
    interview = Interview(triage, resume.resume_path(), resume_command, save_answers)
    interview.run(resume_requested)
    return interview
