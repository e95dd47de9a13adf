"""Operation builders for ``Client.operate`` / ``Client.operate_ordered``."""
