package codec

import (
	"github.com/google/uuid"
)

// uuid and timeuuid: 16 bytes (native_protocol_v5.spec sections 5.22 and
// 5.19); a timeuuid must be a version 1 UUID.

var (
	tUUID     = Type{ID: TypeUUID}
	tTimeUUID = Type{ID: TypeTimeUUID}
)

// DecodeUUID decodes a uuid or timeuuid. NULL and empty values return ErrNull.
func DecodeUUID(b []byte) (uuid.UUID, error) {
	if err := fixedLen(tUUID, b, 16); err != nil {
		return uuid.UUID{}, err
	}
	return uuid.UUID(b), nil
}

// encUUID takes uuid.UUID, [16]byte, a 16-byte []byte and a string in any
// form uuid.Parse accepts. For timeuuid the version must be 1.
func encUUID(t Type) func([]byte, any) ([]byte, error) {
	return func(dst []byte, v any) ([]byte, error) {
		var u uuid.UUID
		switch x := v.(type) {
		case uuid.UUID:
			u = x
		case [16]byte:
			u = x
		case []byte:
			if len(x) != 16 {
				return dst, encErr(t, v, "want 16 bytes, got %d", len(x))
			}
			u = uuid.UUID(x)
		case string:
			p, err := uuid.Parse(x)
			if err != nil {
				return dst, encWrap(t, v, "", err)
			}
			u = p
		default:
			return dst, encTypeErr(t, v)
		}
		if t.ID == TypeTimeUUID && u.Version() != 1 {
			return dst, encErr(t, v, "%s is a version %d UUID, timeuuid needs version 1", u, u.Version())
		}
		return append(dst, u[:]...), nil
	}
}
