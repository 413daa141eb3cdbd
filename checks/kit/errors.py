"""The one error of `gradjudge kit`."""


class KitRefused(Exception):
    """The kit cannot be made as asked, or would give answers away; the message says what and why."""
