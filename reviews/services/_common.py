"""What every review service shares: the one refusal they raise."""

from core.errors import ServiceError


class ReviewError(ServiceError):
    """A rule of the review refused the change."""
