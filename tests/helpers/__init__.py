"""What the tests share, one home per concept; conftest.py keeps only the fixtures.

The fake Telegram Bot API, split by concern:
    api        the wire: token, limits, error answers, recorded calls, form fields, markup rules
    html       Telegram's HTML parse mode as Telegram checks it, and the entities of a message
    state      the fake's data: chats, messages, the update queue, open queries, the lock
    updates    what readers do: users, chats, messages, stickers, photos, button presses, inline
               queries, the bot added to a group or removed from it
    methods    the Bot API methods that send, edit, answer and set the command menu
    delivery   how updates leave the fake: getUpdates with long polling, or the webhook (whose
               answers a test may lose, so that an update comes twice)
    fake       FakeTelegram, joining the above: injected failures, what was called, waiting
    server     the fake over HTTP on 127.0.0.1, for a real `newsbot run` process
    requests   python-telegram-bot request classes answered in process (no network)
Around it:
    replies      what a reader sees of a call: text without HTML, buttons (also row by row)
    application  the real Application over the in-process fake, and how a reader talks to it
    process      a real `newsbot run` process, for end-to-end tests, and a reader who talks to it
    digest       subscribers and a new article prepared for the digest of a real `newsbot run`
    clock        the test's days and a clock the test moves
    knowledge    the shipped knowledge, a writable copy of it, and small edits to a copy
    answers      looking at the engine's answers: labels for tables, an unsure question
    locks        another connection holding the SQLite file's write lock
    servers      the real PostgreSQL and Redis of the scaled mode's tests, or a plain skip
"""
