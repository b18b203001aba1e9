"""The command menu everyone sees in Telegram (bot.app sets it, handlers.staff extends it)."""

# Commands shown in Telegram's menu, in this order; texts come from the catalogue.
MENU_COMMANDS = (
    "start", "help", "faq", "register", "log", "progress", "mycommunity", "reminders",
    "apply", "export", "language", "privacy", "cancel",
)  # fmt: skip
