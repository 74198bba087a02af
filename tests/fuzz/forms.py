"""Find the POST forms of a page with the standard library's HTML parser."""

from dataclasses import dataclass, field
from html.parser import HTMLParser


@dataclass
class Field:
    name: str
    kind: str  # "text", "textarea", "select", "checkbox", "radio", "file", "submit", "hidden", "number", "date", …
    choices: list[str] = field(default_factory=list)
    multiple: bool = False


@dataclass
class Form:
    action: str
    fields: dict[str, Field] = field(default_factory=dict)

    def add(self, name: str, kind: str, value: str | None = None, *, multiple: bool = False) -> Field:
        entry = self.fields.setdefault(name, Field(name, kind, multiple=multiple))
        if value is not None and value not in entry.choices:
            entry.choices.append(value)
        return entry


class _Parser(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.forms: list[Form] = []
        self._form: Form | None = None
        self._select: Field | None = None
        self._option: list[str] | None = None  # the text of an <option> without a value attribute

    def handle_starttag(self, tag, attrs):
        attrs = {key: value if value is not None else "" for key, value in attrs}
        if tag == "form":
            if attrs.get("method", "get").lower() == "post":
                self._form = Form(action=attrs.get("action", ""))
                self.forms.append(self._form)
            return
        if self._form is None or not attrs.get("name"):
            if tag == "option" and self._select is not None:
                self._option_start(attrs)
            return
        name = attrs["name"]
        if tag == "input":
            kind = attrs.get("type", "text").lower()
            value = attrs.get("value") if kind in ("checkbox", "radio", "submit", "hidden") else None
            self._form.add(name, kind, value if value is not None or kind != "checkbox" else "on")
        elif tag == "button" and attrs.get("type", "submit").lower() == "submit":
            self._form.add(name, "submit", attrs.get("value", ""))
        elif tag == "textarea":
            self._form.add(name, "textarea")
        elif tag == "select":
            self._select = self._form.add(name, "select", multiple="multiple" in attrs)

    def _option_start(self, attrs):
        if "value" in attrs:
            self._select.choices.append(attrs["value"])
        else:
            self._option = []

    def handle_data(self, data):
        if self._option is not None:
            self._option.append(data)

    def handle_endtag(self, tag):
        if tag == "form":
            self._form = None
        elif tag == "select":
            self._select = None
        elif tag == "option" and self._option is not None:
            self._select.choices.append("".join(self._option).strip())
            self._option = None


def post_forms(html: str) -> list[Form]:
    """Return the page's ``<form method=post>`` with their fields; forms that post elsewhere keep their action."""
    parser = _Parser()
    parser.feed(html)
    parser.close()
    return parser.forms
