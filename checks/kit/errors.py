"""The one error of `gradjudge kit`."""
from checks.errors import GradjudgeError


class KitRefused(GradjudgeError):
    """The kit cannot be made as asked, or would give answers away; the message says what and why."""
