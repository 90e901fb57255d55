"""Peppol exchange: access-point provider adapters (``providers``), the local sandbox access point
(``sandbox``), participant ids and the signed inbound hand-off (``inbound_signature``)."""
