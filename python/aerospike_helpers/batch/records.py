"""Batch records: what to do per key in a batch, and where the results land.

``Write``, ``Read``, ``Apply`` and ``Remove`` carry the request; after the batch call each
record's ``result`` (status code), ``record`` (``(key, meta, bins)`` or ``None``),
``in_doubt``, ``message`` and ``subcode`` are filled in, as in the official client.
"""

from __future__ import annotations

import typing as ty

TypeOps = list[dict]
TypeBatchPolicyWrite = ty.Union[dict, None]
TypeBatchPolicyRemove = ty.Union[dict, None]
TypeBatchPolicyApply = ty.Union[dict, None]
TypeBatchPolicyRead = ty.Union[dict, None]
TypeRecord = ty.Union[tuple, None]
TypeUDFArgs = list[ty.Any]


class _Types:
    READ = 0
    WRITE = 1
    APPLY = 2
    REMOVE = 3


class BatchRecord:
    """Base of the batch records: the key and the result fields."""

    def __init__(self, key: tuple) -> None:
        self.key = key
        self.record: TypeRecord = None
        self.result = 0
        self.message: str | None = None
        self.subcode = 0
        self.in_doubt = False


class Write(BatchRecord):
    """Apply the write (and read) operations ``ops`` to ``key``."""

    def __init__(
        self,
        key: tuple,
        ops: TypeOps,
        meta: dict | None = None,
        policy: TypeBatchPolicyWrite = None,
    ) -> None:
        super().__init__(key)
        self.ops = ops
        self._type = _Types.WRITE
        self._has_write = True
        self.meta = meta
        self.policy = policy


class Read(BatchRecord):
    """Read ``key``: the read operations ``ops``, or every bin with ``read_all_bins``."""

    def __init__(
        self,
        key: tuple,
        ops: TypeOps | None,
        read_all_bins: bool = False,
        meta: dict | None = None,
        policy: TypeBatchPolicyRead = None,
    ) -> None:
        super().__init__(key)
        self.ops = ops
        self.read_all_bins = read_all_bins
        self._type = _Types.READ
        self._has_write = False
        self.meta = meta
        self.policy = policy


class Apply(BatchRecord):
    """Run the record UDF ``module.function(*args)`` on ``key``."""

    def __init__(
        self,
        key: tuple,
        module: str,
        function: str,
        args: TypeUDFArgs,
        policy: TypeBatchPolicyApply = None,
    ) -> None:
        super().__init__(key)
        self._type = _Types.APPLY
        self._has_write = True
        self.module = module
        self.function = function
        self.args = args
        self.policy = policy


class Remove(BatchRecord):
    """Remove ``key``."""

    def __init__(self, key: tuple, policy: TypeBatchPolicyRemove = None) -> None:
        super().__init__(key)
        self._type = _Types.REMOVE
        self._has_write = True
        self.policy = policy


TypeBatchRecordList = list[BatchRecord]


class BatchRecords:
    """A list of batch records and the overall ``result`` of the batch call."""

    def __init__(self, batch_records: TypeBatchRecordList | None = None) -> None:
        if batch_records is None:
            batch_records = []
        self.batch_records = batch_records
        self.result = 0
