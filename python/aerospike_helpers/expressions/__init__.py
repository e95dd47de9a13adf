"""Expressions: filters (``policy["expressions"]``) and values computed on the server.

Build a tree of expression classes and pass ``expr.compile()``, as with the official
client: ``Eq(IntBin("a"), 1).compile()``.
"""

from aerospike_helpers.expressions.arithmetic import *
from aerospike_helpers.expressions.base import *
from aerospike_helpers.expressions.bitwise import *
from aerospike_helpers.expressions.bitwise_operators import *
from aerospike_helpers.expressions.hll import *
from aerospike_helpers.expressions.list import *
from aerospike_helpers.expressions.map import *
from aerospike_helpers.expressions.resources import ResultType as ResultType
from aerospike_helpers.expressions.string import *
