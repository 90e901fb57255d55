"""The validation helper processes: same verdicts as in-process validation, a dead helper is
replaced without losing the document, concurrent documents keep their own verdicts."""

from __future__ import annotations

import asyncio
import os
import signal
from collections.abc import Iterator

import pytest
from lxml import etree

from involinks.compliance.validation import pool, validate_ubl
from tests.compliance.validation.golden import NS, example, mutated

STANDARD = "billing/invoice/Standard tax invoice.xml"


def _bad_trn(tree: etree._ElementTree) -> None:
    node = tree.find(".//cac:AccountingSupplierParty//cac:PartyTaxScheme/cbc:CompanyID", NS)
    assert node is not None
    node.text = "12345"


@pytest.fixture
def helpers() -> Iterator[None]:
    """One helper process for the test, stopped afterwards (the next test starts its own)."""
    pool.start(1)
    try:
        yield
    finally:
        pool.shutdown()


@pytest.mark.usefixtures("helpers")
async def test_a_helper_gives_the_same_verdicts_as_validating_here() -> None:
    good = example(STANDARD).read_bytes()
    bad = mutated(STANDARD, _bad_trn)

    in_helper = [await pool.validate_ubl_async(xml) for xml in (good, bad, b"<not-closed")]

    assert pool.helper_pids(), "the documents were not sent to a helper process"
    assert os.getpid() not in pool.helper_pids()
    assert in_helper == [validate_ubl(xml) for xml in (good, bad, b"<not-closed")]
    assert in_helper[0].valid
    assert not in_helper[1].valid
    assert {issue.rule_id for issue in in_helper[1].errors} >= {"ibr-132-ae"}
    assert in_helper[2].errors[0].layer.value == "xml"


@pytest.mark.usefixtures("helpers")
async def test_a_helper_that_died_is_replaced_and_the_document_checked_again() -> None:
    xml = mutated(STANDARD, _bad_trn)
    await pool.validate_ubl_async(xml)
    (first,) = pool.helper_pids()
    os.kill(first, signal.SIGKILL)
    # The pipe of the killed helper is only found broken when the next document is sent.
    result = await pool.validate_ubl_async(xml)

    assert not result.valid
    assert result == validate_ubl(xml)
    (second,) = pool.helper_pids()
    assert second != first


@pytest.mark.usefixtures("helpers")
async def test_several_documents_at_once_each_get_their_own_verdict() -> None:
    documents = [example(STANDARD).read_bytes(), mutated(STANDARD, _bad_trn)] * 4
    results = await asyncio.gather(*(pool.validate_ubl_async(xml) for xml in documents))
    assert [result.valid for result in results] == [True, False] * 4


async def test_with_no_helpers_the_document_is_validated_in_this_process() -> None:
    pool.start(0)
    try:
        result = await pool.validate_ubl_async(mutated(STANDARD, _bad_trn))
        assert not result.valid
        assert pool.helper_pids() == ()
    finally:
        pool.shutdown()  # the next use reads VALIDATION_PROCESSES again


@pytest.mark.usefixtures("helpers")
async def test_a_cancelled_check_does_not_leave_its_verdict_for_the_next_document() -> None:
    bad = mutated(STANDARD, _bad_trn)
    good = example(STANDARD).read_bytes()
    await pool.validate_ubl_async(good)  # the helper is up and idle
    # One helper: the cancelled check still runs there; the next document (waiting for the
    # same helper) must get its own verdict, not the one left on the pipe.
    first = asyncio.ensure_future(pool.validate_ubl_async(bad))
    await asyncio.sleep(0.001)  # sent, not answered yet
    second = asyncio.ensure_future(pool.validate_ubl_async(good))
    await asyncio.sleep(0)
    first.cancel()
    with pytest.raises(asyncio.CancelledError):
        await first

    result = await asyncio.wait_for(second, timeout=60)

    assert result.valid
    assert result == validate_ubl(good)
    assert not (await pool.validate_ubl_async(bad)).valid


@pytest.mark.usefixtures("helpers")
async def test_a_document_bigger_than_a_pipe_buffer_gets_its_verdict() -> None:
    """Past 64 KiB the document goes through a thread (a pipe would block the event loop
    while the helper cannot read yet); the verdict is the same as for a small one."""

    def pad(tree: etree._ElementTree) -> None:
        note = tree.find("cbc:Note", NS)
        if note is None:
            note = etree.SubElement(tree.getroot(), f"{{{NS['cbc']}}}Note")
        note.text = "x" * 200_000

    big = mutated(STANDARD, pad)
    assert len(big) > 1 << 16
    results = [await pool.validate_ubl_async(big) for _ in range(2)]
    assert results[0] == results[1] == validate_ubl(big)
    small = mutated(STANDARD, _bad_trn)
    assert (await pool.validate_ubl_async(small)) == validate_ubl(small)


def test_work_still_under_way_when_the_helpers_stop_starts_no_new_one() -> None:
    """The start-up warm-up may still be sending when a server that started stops again: it
    must neither crash on the closed pipe nor start a helper that nobody would stop."""
    helpers = pool._Pool(1)
    busy = helpers.take()  # a caller is in the middle of an exchange...
    helpers.stop()  # ...when the pool stops
    assert busy.call(b"") is None  # its helper is gone: no ValueError from the closed pipe
    with pytest.raises(pool.HelperError, match="stopped"):
        helpers.call(b"")
    assert helpers.pids() == ()


async def test_starting_with_another_size_replaces_the_helpers() -> None:
    good = example(STANDARD).read_bytes()
    pool.start(1)
    try:
        await pool.validate_ubl_async(good)
        (first,) = pool.helper_pids()
        pool.start(2)  # reconfigured: the old helper stops, the new pool has two
        results = await asyncio.gather(*(pool.validate_ubl_async(good) for _ in range(4)))
        assert all(result.valid for result in results)
        assert first not in pool.helper_pids()
        assert len(pool.helper_pids()) == 2
    finally:
        pool.shutdown()
