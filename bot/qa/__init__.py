"""Question answering over the program letter: QaEngine.build(program).answer(question, today)."""

from bot.qa.engine import Answer, FaqEntry, QaEngine, Topic

__all__ = ["Answer", "FaqEntry", "QaEngine", "Topic"]
