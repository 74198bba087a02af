"""Project-wide middleware."""


class VietnameseFirstMiddleware:
    """Show Vietnamese unless the user chose English with the language switch.

    Many office PCs in Vietnam run an English browser; their Accept-Language
    header must not turn the interface English. The switch's cookie still wins.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.META.pop("HTTP_ACCEPT_LANGUAGE", None)
        return self.get_response(request)
