package cassandra

// route appends to dst the partition key of the request (a key of one
// component with an empty dst is returned as it is, without a copy), built from
// its bound values by the prepared statement's partition-key indexes (spec
// v4 section 4.2.5.4): one component as is; several as, each, a 2-byte
// length, the bytes and a 0x00. It also returns the keyspace of the key's
// table. ok is false when the key is unknown: a statement sent as QUERY, a
// server that gave no indexes, or a NULL or unset component.
func (r *request) route(dst []byte) (key []byte, keyspace string, ok bool) {
	ps := r.stmt
	if ps == nil || len(ps.PKIndexes) == 0 {
		return dst, "", false
	}
	for _, i := range ps.PKIndexes {
		if int(i) >= len(r.values) || int(i) >= len(ps.Bound) {
			return dst, "", false
		}
		v := r.values[i]
		if v.Bytes == nil || v.Unset {
			return dst, "", false
		}
	}
	keyspace = ps.Bound[ps.PKIndexes[0]].Keyspace
	if len(ps.PKIndexes) == 1 && len(dst) == 0 {
		return r.values[ps.PKIndexes[0]].Bytes, keyspace, true // as is: no copy
	}
	if len(ps.PKIndexes) == 1 {
		return append(dst, r.values[ps.PKIndexes[0]].Bytes...), keyspace, true
	}
	for _, i := range ps.PKIndexes {
		b := r.values[i].Bytes
		if len(b) > 0xFFFF {
			return dst, "", false
		}
		dst = append(dst, byte(len(b)>>8), byte(len(b)))
		dst = append(dst, b...)
		dst = append(dst, 0)
	}
	return dst, keyspace, true
}

// localOnly reports whether the request's consistency is LOCAL_*, which
// keeps its query plan in the local datacenter.
func (r *request) localOnly() bool {
	if r.opts.hasConsistency {
		return r.opts.consistency.IsLocal()
	}
	return r.c.cfg.Consistency.IsLocal()
}

// conditional reports whether the request is a lightweight transaction
// (its replicas are then tried in a fixed order).
func (r *request) conditional() bool { return r.stmt != nil && r.stmt.Conditional }
