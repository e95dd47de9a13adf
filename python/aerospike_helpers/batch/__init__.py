"""Batch record classes for ``Client.batch_write`` / ``batch_operate`` and friends."""
