"""The user's YAML mapping file of riskcore.ingest.mapping, read from disk."""

from __future__ import annotations

import pytest

from riskcore.errors import LedgerError
from riskcore.ingest import mapping as mp


def test_mapping_file_is_read(tmp_path):
    path = tmp_path / "map.yaml"
    path.write_text('kind: invoices\ncolumns:\n  invoice_id: "Ref"\n  amount: "Total"\n', encoding="utf-8")
    assert mp.load_mapping_file(path) == mp.MappingFile("invoices", {"invoice_id": "Ref", "amount": "Total"})


@pytest.mark.parametrize(
    ("text", "key"),
    [
        ("kind: bills\ncolumns: {}\n", "ingest.bad_kind"),
        ("- just a list\n", "ingest.mapping_bad_shape"),
        ("kind: [unclosed\n", "ingest.mapping_unreadable"),
    ],
)
def test_bad_mapping_file_is_refused_with_its_reason(tmp_path, text, key):
    path = tmp_path / "map.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(LedgerError) as err:
        mp.load_mapping_file(path)
    assert err.value.key == key
