"""UBL 2.1 reading (PINT AE): :func:`parse_document` turns Invoice/CreditNote XML into the model."""

from involinks.compliance.ubl.parser import ParseError, parse_document

__all__ = ["ParseError", "parse_document"]
