-- Record UDFs used by tests/conformance/test_udf.py (uploaded with udf_put).

function add(rec, bin, n)
  rec[bin] = (rec[bin] or 0) + n
  aerospike:update(rec)
  return rec[bin]
end

function echo(rec, v)
  return v
end

function get_bin(rec, bin)
  return rec[bin]
end

function boom(rec)
  error('kaboom')
end

function create_if_missing(rec, bin, v)
  if aerospike:exists(rec) then
    return 0
  end
  rec[bin] = v
  aerospike:create(rec)
  return 1
end

function drop(rec)
  aerospike:remove(rec)
  return 'gone'
end

function meta(rec)
  return map{gen = record.gen(rec), exists = aerospike:exists(rec)}
end
