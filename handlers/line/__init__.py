"""The LINE channel: the same assistant over LINE's Messaging API, beside the Telegram handlers.

`webhook` verifies and parses what LINE posts, `events` turns each event into a call to the
domain and a reply, `render` shapes replies within LINE's limits and `messenger` sends them
(the reply token first, a push only when needed, retried with a retry key).
"""
