package protocol

import (
	"bytes"
	"net/netip"
	"reflect"
	"testing"

	"github.com/cqlsql/cassandra/codec"
)

// goldenCase is one message with its body bytes, written by hand from the
// spec (native_protocol_v4.spec / v5.spec), field by field. Every case is
// checked both ways: AppendBody must produce body, and Decode of body must
// give back msg.
type goldenCase struct {
	name     string
	versions []Version
	msg      Message
	body     []byte
}

var (
	v3v4v5 = []Version{V3, V4, V5}
	v3v4   = []Version{V3, V4}
	v4v5   = []Version{V4, V5}
	v4only = []Version{V4}
	v5only = []Version{V5}
)

var goldenRequests = []goldenCase{
	{"STARTUP", v3v4v5, &Startup{Options: map[string]string{StartupCQLVersion: "3.0.0", StartupCompression: "lz4"}}, cat(
		0x00, 0x02, // [string map] 2 pairs, keys sorted
		0x00, 0x0B, "COMPRESSION", 0x00, 0x03, "lz4",
		0x00, 0x0B, "CQL_VERSION", 0x00, 0x05, "3.0.0",
	)},
	{"STARTUP driver", v3v4v5, &Startup{Options: map[string]string{StartupCQLVersion: "3.0.0", StartupDriverName: "cqlsql", StartupDriverVersion: "0.1"}}, cat(
		0x00, 0x03,
		0x00, 0x0B, "CQL_VERSION", 0x00, 0x05, "3.0.0",
		0x00, 0x0B, "DRIVER_NAME", 0x00, 0x06, "cqlsql",
		0x00, 0x0E, "DRIVER_VERSION", 0x00, 0x03, "0.1",
	)},
	{"AUTH_RESPONSE", v3v4v5, &AuthResponse{Token: []byte("\x00cassandra\x00cassandra")}, cat(
		0x00, 0x00, 0x00, 0x14, // [bytes] 20
		0x00, "cassandra", 0x00, "cassandra",
	)},
	{"AUTH_RESPONSE null", v3v4v5, &AuthResponse{}, cat(0xFF, 0xFF, 0xFF, 0xFF)},
	{"OPTIONS", v3v4v5, &Options{}, cat()},
	{"QUERY minimal", v3v4, &Query{Statement: "SELECT * FROM t", Params: QueryParams{Consistency: One}}, cat(
		0x00, 0x00, 0x00, 0x0F, "SELECT * FROM t", // [long string]
		0x00, 0x01, // consistency ONE
		0x00, // flags [byte]: none
	)},
	{"QUERY minimal v5", v5only, &Query{Statement: "SELECT * FROM t", Params: QueryParams{Consistency: One}}, cat(
		0x00, 0x00, 0x00, 0x0F, "SELECT * FROM t",
		0x00, 0x01, // ONE
		0x00, 0x00, 0x00, 0x00, // flags [int] in v5
	)},
	{"QUERY all v4 flags", v4only, &Query{Statement: "SELECT v FROM t WHERE k=?", Params: QueryParams{
		Consistency:       LocalQuorum,
		Values:            []Value{BytesValue([]byte{0, 0, 0, 1}), NotSet, Null},
		SkipMetadata:      true,
		PageSize:          100,
		PagingState:       []byte{0xCA, 0xFE},
		SerialConsistency: LocalSerial,
		Timestamp:         1,
		HasTimestamp:      true,
	}}, cat(
		0x00, 0x00, 0x00, 0x19, "SELECT v FROM t WHERE k=?", // 25 bytes
		0x00, 0x06, // LOCAL_QUORUM
		0x3F,       // values|skip_metadata|page_size|paging_state|serial|timestamp
		0x00, 0x03, // 3 values
		0x00, 0x00, 0x00, 0x04, 0x00, 0x00, 0x00, 0x01, // int 1
		0xFF, 0xFF, 0xFF, 0xFE, // not set
		0xFF, 0xFF, 0xFF, 0xFF, // null
		0x00, 0x00, 0x00, 0x64, // page size 100
		0x00, 0x00, 0x00, 0x02, 0xCA, 0xFE, // paging state [bytes]
		0x00, 0x09, // serial LOCAL_SERIAL
		0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x01, // timestamp [long]
	)},
	{"QUERY named values keyspace now v5", v5only, &Query{Statement: "SELECT v FROM t WHERE k=?", Params: QueryParams{
		Consistency:     Quorum,
		Values:          []Value{BytesValue([]byte("x"))},
		Names:           []string{"k"},
		Keyspace:        "ks",
		NowInSeconds:    1700000000,
		HasNowInSeconds: true,
	}}, cat(
		0x00, 0x00, 0x00, 0x19, "SELECT v FROM t WHERE k=?",
		0x00, 0x04, // QUORUM
		0x00, 0x00, 0x01, 0xC1, // values|names|keyspace|now_in_seconds
		0x00, 0x01, // 1 value
		0x00, 0x01, "k", // name
		0x00, 0x00, 0x00, 0x01, "x", // value
		0x00, 0x02, "ks", // keyspace
		0x65, 0x53, 0xF1, 0x00, // now_in_seconds 1700000000
	)},
	{"QUERY named values v3", v3v4, &Query{Statement: "I", Params: QueryParams{
		Consistency: Any, Values: []Value{Null}, Names: []string{"a"},
	}}, cat(
		0x00, 0x00, 0x00, 0x01, "I",
		0x00, 0x00, // ANY
		0x41, // values|names
		0x00, 0x01, 0x00, 0x01, "a", 0xFF, 0xFF, 0xFF, 0xFF,
	)},
	{"PREPARE", v3v4, &Prepare{Statement: "SELECT v FROM t WHERE k=?"}, cat(
		0x00, 0x00, 0x00, 0x19, "SELECT v FROM t WHERE k=?",
	)},
	{"PREPARE v5", v5only, &Prepare{Statement: "SELECT v FROM t WHERE k=?"}, cat(
		0x00, 0x00, 0x00, 0x19, "SELECT v FROM t WHERE k=?",
		0x00, 0x00, 0x00, 0x00, // flags [int]: none
	)},
	{"PREPARE v5 keyspace", v5only, &Prepare{Statement: "SELECT v FROM t WHERE k=?", Keyspace: "ks"}, cat(
		0x00, 0x00, 0x00, 0x19, "SELECT v FROM t WHERE k=?",
		0x00, 0x00, 0x00, 0x01, // with keyspace
		0x00, 0x02, "ks",
	)},
	{"EXECUTE", v3v4, &Execute{ID: []byte{0xAB, 0xCD}, Params: QueryParams{Consistency: One, Values: []Value{BytesValue([]byte{0, 0, 0, 0, 0, 0, 0, 1})}}}, cat(
		0x00, 0x02, 0xAB, 0xCD, // id [short bytes]
		0x00, 0x01, // ONE
		0x01,                                                       // values
		0x00, 0x01, 0x00, 0x00, 0x00, 0x08, 0, 0, 0, 0, 0, 0, 0, 1, // 1 bigint
	)},
	{"EXECUTE v5", v5only, &Execute{ID: []byte{0xAB, 0xCD}, ResultMetadataID: []byte{0x01}, Params: QueryParams{Consistency: One, Values: []Value{BytesValue([]byte{0, 0, 0, 0, 0, 0, 0, 1})}}}, cat(
		0x00, 0x02, 0xAB, 0xCD, // id
		0x00, 0x01, 0x01, // result_metadata_id [short bytes]
		0x00, 0x01, // ONE
		0x00, 0x00, 0x00, 0x01, // flags [int]: values
		0x00, 0x01, 0x00, 0x00, 0x00, 0x08, 0, 0, 0, 0, 0, 0, 0, 1,
	)},
	{"BATCH mixed", v3v4, &Batch{
		Type: BatchUnlogged,
		Children: []BatchChild{
			{Statement: "INSERT 1", Values: []Value{BytesValue([]byte{0x2A})}},
			{ID: []byte{0xAB}},
		},
		Consistency: Quorum, SerialConsistency: LocalSerial, Timestamp: 0x10, HasTimestamp: true,
	}, cat(
		0x01,       // UNLOGGED
		0x00, 0x02, // 2 statements
		0x00, 0x00, 0x00, 0x00, 0x08, "INSERT 1", // kind 0, [long string]
		0x00, 0x01, 0x00, 0x00, 0x00, 0x01, 0x2A, // 1 value
		0x01, 0x00, 0x01, 0xAB, // kind 1, id [short bytes]
		0x00, 0x00, // 0 values
		0x00, 0x04, // QUORUM
		0x30,       // flags [byte]: serial|timestamp
		0x00, 0x09, // LOCAL_SERIAL
		0, 0, 0, 0, 0, 0, 0, 0x10, // timestamp
	)},
	{"BATCH v5", v5only, &Batch{
		Type:        BatchLogged,
		Children:    []BatchChild{{ID: []byte{0xAB}, Values: []Value{NotSet}}},
		Consistency: One, Keyspace: "ks", NowInSeconds: 1, HasNowInSeconds: true,
	}, cat(
		0x00,       // LOGGED
		0x00, 0x01, // 1 statement
		0x01, 0x00, 0x01, 0xAB, // prepared id
		0x00, 0x01, 0xFF, 0xFF, 0xFF, 0xFE, // 1 value: not set
		0x00, 0x01, // ONE
		0x00, 0x00, 0x01, 0x80, // flags [int]: keyspace|now_in_seconds
		0x00, 0x02, "ks",
		0x00, 0x00, 0x00, 0x01,
	)},
	{"BATCH counter", v3v4v5, &Batch{Type: BatchCounter, Children: []BatchChild{{Statement: "U"}}, Consistency: One}, nil},
	{"REGISTER", v3v4v5, &Register{EventTypes: []string{EventTopologyChange, EventStatusChange, EventSchemaChange}}, cat(
		0x00, 0x03,
		0x00, 0x0F, "TOPOLOGY_CHANGE",
		0x00, 0x0D, "STATUS_CHANGE",
		0x00, 0x0D, "SCHEMA_CHANGE",
	)},
}

func init() {
	// BATCH counter body depends on the flags width: fill per version below.
	for i := range goldenRequests {
		if goldenRequests[i].name == "BATCH counter" {
			goldenRequests[i].versions = v3v4
			goldenRequests[i].body = cat(
				0x02,       // COUNTER
				0x00, 0x01, // 1 statement
				0x00, 0x00, 0x00, 0x00, 0x01, "U", 0x00, 0x00,
				0x00, 0x01, // ONE
				0x00, // flags [byte]
			)
			goldenRequests = append(goldenRequests, goldenCase{"BATCH counter v5", v5only, goldenRequests[i].msg, cat(
				0x02,
				0x00, 0x01,
				0x00, 0x00, 0x00, 0x00, 0x01, "U", 0x00, 0x00,
				0x00, 0x01,
				0x00, 0x00, 0x00, 0x00, // flags [int]
			)})
		}
	}
}

var (
	tInt  = codec.Type{ID: codec.TypeInt}
	tText = codec.Type{ID: codec.TypeVarchar}
)

var goldenResponses = []goldenCase{
	{"ERROR syntax", v3v4v5, &Error{Code: ErrCodeSyntax, Message: "bad"}, cat(
		0x00, 0x00, 0x20, 0x00, // code
		0x00, 0x03, "bad",
	)},
	{"ERROR protocol", v3v4v5, &Error{Code: ErrCodeProtocol, Message: "x"}, cat(0x00, 0x00, 0x00, 0x0A, 0x00, 0x01, "x")},
	{"ERROR server", v3v4v5, &Error{Code: ErrCodeServer, Message: "x"}, cat(0x00, 0x00, 0x00, 0x00, 0x00, 0x01, "x")},
	{"ERROR bad credentials", v3v4v5, &Error{Code: ErrCodeBadCredentials, Message: "x"}, cat(0x00, 0x00, 0x01, 0x00, 0x00, 0x01, "x")},
	{"ERROR overloaded", v3v4v5, &Error{Code: ErrCodeOverloaded, Message: "x"}, cat(0x00, 0x00, 0x10, 0x01, 0x00, 0x01, "x")},
	{"ERROR is bootstrapping", v3v4v5, &Error{Code: ErrCodeIsBootstrapping, Message: "x"}, cat(0x00, 0x00, 0x10, 0x02, 0x00, 0x01, "x")},
	{"ERROR truncate", v3v4v5, &Error{Code: ErrCodeTruncate, Message: "x"}, cat(0x00, 0x00, 0x10, 0x03, 0x00, 0x01, "x")},
	{"ERROR unauthorized", v3v4v5, &Error{Code: ErrCodeUnauthorized, Message: "x"}, cat(0x00, 0x00, 0x21, 0x00, 0x00, 0x01, "x")},
	{"ERROR invalid", v3v4v5, &Error{Code: ErrCodeInvalid, Message: "x"}, cat(0x00, 0x00, 0x22, 0x00, 0x00, 0x01, "x")},
	{"ERROR config", v3v4v5, &Error{Code: ErrCodeConfig, Message: "x"}, cat(0x00, 0x00, 0x23, 0x00, 0x00, 0x01, "x")},
	{"ERROR cdc write failure", v5only, &Error{Code: ErrCodeCDCWriteFailure, Message: "x"}, cat(0x00, 0x00, 0x16, 0x00, 0x00, 0x01, "x")},
	{"ERROR unavailable", v3v4v5, &Error{Code: ErrCodeUnavailable, Message: "x", Details: &Unavailable{Consistency: Quorum, Required: 3, Alive: 1}}, cat(
		0x00, 0x00, 0x10, 0x00, 0x00, 0x01, "x",
		0x00, 0x04, // QUORUM
		0x00, 0x00, 0x00, 0x03, // required
		0x00, 0x00, 0x00, 0x01, // alive
	)},
	{"ERROR write timeout", v3v4v5, &Error{Code: ErrCodeWriteTimeout, Message: "x", Details: &WriteTimeout{Consistency: LocalQuorum, Received: 1, BlockFor: 2, WriteType: WriteTypeSimple}}, cat(
		0x00, 0x00, 0x11, 0x00, 0x00, 0x01, "x",
		0x00, 0x06, // LOCAL_QUORUM
		0x00, 0x00, 0x00, 0x01, // received
		0x00, 0x00, 0x00, 0x02, // blockfor
		0x00, 0x06, "SIMPLE",
	)},
	{"ERROR write timeout CAS v4", v4only, &Error{Code: ErrCodeWriteTimeout, Message: "x", Details: &WriteTimeout{Consistency: Serial, Received: 0, BlockFor: 1, WriteType: WriteTypeCAS}}, cat(
		0x00, 0x00, 0x11, 0x00, 0x00, 0x01, "x",
		0x00, 0x08, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x01,
		0x00, 0x03, "CAS", // no contentions before v5
	)},
	{"ERROR write timeout CAS v5", v5only, &Error{Code: ErrCodeWriteTimeout, Message: "x", Details: &WriteTimeout{Consistency: Serial, Received: 0, BlockFor: 1, WriteType: WriteTypeCAS, Contentions: 3}}, cat(
		0x00, 0x00, 0x11, 0x00, 0x00, 0x01, "x",
		0x00, 0x08, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x01,
		0x00, 0x03, "CAS",
		0x00, 0x03, // contentions [short]
	)},
	{"ERROR read timeout", v3v4v5, &Error{Code: ErrCodeReadTimeout, Message: "x", Details: &ReadTimeout{Consistency: One, Received: 0, BlockFor: 1, DataPresent: true}}, cat(
		0x00, 0x00, 0x12, 0x00, 0x00, 0x01, "x",
		0x00, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x01,
		0x01, // data_present
	)},
	{"ERROR read failure v4", v3v4, &Error{Code: ErrCodeReadFailure, Message: "x", Details: &ReadFailure{Consistency: One, Received: 0, BlockFor: 1, NumFailures: 2}}, cat(
		0x00, 0x00, 0x13, 0x00, 0x00, 0x01, "x",
		0x00, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x01,
		0x00, 0x00, 0x00, 0x02, // numfailures
		0x00, // data_present
	)},
	{"ERROR read failure v5", v5only, &Error{Code: ErrCodeReadFailure, Message: "x", Details: &ReadFailure{Consistency: One, Received: 0, BlockFor: 1, NumFailures: 1,
		Reasons: []FailureReason{{Endpoint: netip.MustParseAddr("10.0.0.1"), Code: 6}}}}, cat(
		0x00, 0x00, 0x13, 0x00, 0x00, 0x01, "x",
		0x00, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x01,
		0x00, 0x00, 0x00, 0x01, // reasonmap: 1 entry
		0x04, 10, 0, 0, 1, // [inetaddr]
		0x00, 0x06, // failure code
		0x00,
	)},
	{"ERROR function failure", v4v5, &Error{Code: ErrCodeFunctionFailure, Message: "x", Details: &FunctionFailure{Keyspace: "ks", Function: "f", ArgTypes: []string{"int", "text"}}}, cat(
		0x00, 0x00, 0x14, 0x00, 0x00, 0x01, "x",
		0x00, 0x02, "ks", 0x00, 0x01, "f",
		0x00, 0x02, 0x00, 0x03, "int", 0x00, 0x04, "text",
	)},
	{"ERROR write failure v4", v3v4, &Error{Code: ErrCodeWriteFailure, Message: "x", Details: &WriteFailure{Consistency: All, Received: 1, BlockFor: 3, NumFailures: 2, WriteType: WriteTypeBatch}}, cat(
		0x00, 0x00, 0x15, 0x00, 0x00, 0x01, "x",
		0x00, 0x05, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x03,
		0x00, 0x00, 0x00, 0x02, // numfailures
		0x00, 0x05, "BATCH",
	)},
	{"ERROR write failure v5", v5only, &Error{Code: ErrCodeWriteFailure, Message: "x", Details: &WriteFailure{Consistency: All, Received: 1, BlockFor: 3, NumFailures: 1,
		Reasons: []FailureReason{{Endpoint: netip.MustParseAddr("::1"), Code: 0}}, WriteType: WriteTypeBatch}}, cat(
		0x00, 0x00, 0x15, 0x00, 0x00, 0x01, "x",
		0x00, 0x05, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x03,
		0x00, 0x00, 0x00, 0x01, // reasonmap: 1 entry
		0x10, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, // [inetaddr] ::1
		0x00, 0x00,
		0x00, 0x05, "BATCH",
	)},
	{"ERROR CAS write unknown", v5only, &Error{Code: ErrCodeCASWriteUnknown, Message: "x", Details: &CASWriteUnknown{Consistency: Serial, Received: 1, BlockFor: 2}}, cat(
		0x00, 0x00, 0x17, 0x00, 0x00, 0x01, "x",
		0x00, 0x08, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x02,
	)},
	{"ERROR already exists", v3v4v5, &Error{Code: ErrCodeAlreadyExists, Message: "x", Details: &AlreadyExists{Keyspace: "ks", Table: "t"}}, cat(
		0x00, 0x00, 0x24, 0x00, 0x00, 0x01, "x",
		0x00, 0x02, "ks", 0x00, 0x01, "t",
	)},
	{"ERROR unprepared", v3v4v5, &Error{Code: ErrCodeUnprepared, Message: "x", Details: &Unprepared{ID: []byte{0xAB, 0xCD}}}, cat(
		0x00, 0x00, 0x25, 0x00, 0x00, 0x01, "x",
		0x00, 0x02, 0xAB, 0xCD,
	)},
	{"READY", v3v4v5, &Ready{}, cat()},
	{"AUTHENTICATE", v3v4v5, &Authenticate{Authenticator: "org.apache.cassandra.auth.PasswordAuthenticator"}, cat(
		0x00, 0x2F, "org.apache.cassandra.auth.PasswordAuthenticator",
	)},
	{"SUPPORTED", v3v4v5, &Supported{Options: map[string][]string{
		"CQL_VERSION": {"3.4.5"}, "COMPRESSION": {"snappy", "lz4"}, "PROTOCOL_VERSIONS": {"3/v3", "4/v4", "5/v5"},
	}}, cat(
		0x00, 0x03, // 3 keys, sorted
		0x00, 0x0B, "COMPRESSION", 0x00, 0x02, 0x00, 0x06, "snappy", 0x00, 0x03, "lz4",
		0x00, 0x0B, "CQL_VERSION", 0x00, 0x01, 0x00, 0x05, "3.4.5",
		0x00, 0x11, "PROTOCOL_VERSIONS", 0x00, 0x03, 0x00, 0x04, "3/v3", 0x00, 0x04, "4/v4", 0x00, 0x04, "5/v5",
	)},
	{"AUTH_CHALLENGE", v3v4v5, &AuthChallenge{Token: []byte{1, 2}}, cat(0x00, 0x00, 0x00, 0x02, 1, 2)},
	{"AUTH_SUCCESS null", v3v4v5, &AuthSuccess{}, cat(0xFF, 0xFF, 0xFF, 0xFF)},
	{"RESULT void", v3v4v5, &Result{Kind: ResultVoid}, cat(0x00, 0x00, 0x00, 0x01)},
	{"RESULT set keyspace", v3v4v5, &Result{Kind: ResultSetKeyspace, Keyspace: "ks"}, cat(
		0x00, 0x00, 0x00, 0x03, 0x00, 0x02, "ks",
	)},
	{"RESULT schema change table", v3v4v5, &Result{Kind: ResultSchemaChange, SchemaChange: SchemaChange{Change: SchemaCreated, Target: TargetTable, Keyspace: "ks", Name: "t"}}, cat(
		0x00, 0x00, 0x00, 0x05,
		0x00, 0x07, "CREATED", 0x00, 0x05, "TABLE", 0x00, 0x02, "ks", 0x00, 0x01, "t",
	)},
	{"RESULT schema change keyspace", v3v4v5, &Result{Kind: ResultSchemaChange, SchemaChange: SchemaChange{Change: SchemaDropped, Target: TargetKeyspace, Keyspace: "ks"}}, cat(
		0x00, 0x00, 0x00, 0x05,
		0x00, 0x07, "DROPPED", 0x00, 0x08, "KEYSPACE", 0x00, 0x02, "ks",
	)},
	{"RESULT schema change function", v4v5, &Result{Kind: ResultSchemaChange, SchemaChange: SchemaChange{Change: SchemaUpdated, Target: TargetFunction, Keyspace: "ks", Name: "f", ArgTypes: []string{"int"}}}, cat(
		0x00, 0x00, 0x00, 0x05,
		0x00, 0x07, "UPDATED", 0x00, 0x08, "FUNCTION", 0x00, 0x02, "ks", 0x00, 0x01, "f",
		0x00, 0x01, 0x00, 0x03, "int",
	)},
	{"RESULT rows", v3v4v5, rowsResult(), cat(
		0x00, 0x00, 0x00, 0x02, // Rows
		0x00, 0x00, 0x00, 0x01, // flags: global_tables_spec
		0x00, 0x00, 0x00, 0x02, // 2 columns
		0x00, 0x02, "ks", 0x00, 0x01, "t", // global table spec
		0x00, 0x01, "k", 0x00, 0x09, // k int
		0x00, 0x01, "v", 0x00, 0x0D, // v varchar
		0x00, 0x00, 0x00, 0x02, // 2 rows
		0x00, 0x00, 0x00, 0x04, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x01, "a", // (1, 'a')
		0x00, 0x00, 0x00, 0x04, 0x00, 0x00, 0x00, 0x02, 0xFF, 0xFF, 0xFF, 0xFF, // (2, null)
	)},
	{"RESULT rows paging no metadata", v3v4v5, &Result{Kind: ResultRows, Rows: Rows{Metadata: RowsMetadata{
		ColumnCount: 3, NoMetadata: true, PagingState: []byte{0xAA, 0xBB},
	}}}, cat(
		0x00, 0x00, 0x00, 0x02,
		0x00, 0x00, 0x00, 0x06, // has_more_pages|no_metadata
		0x00, 0x00, 0x00, 0x03, // 3 columns
		0x00, 0x00, 0x00, 0x02, 0xAA, 0xBB, // paging state
		0x00, 0x00, 0x00, 0x00, // 0 rows
	)},
	{"RESULT rows metadata changed v5", v5only, &Result{Kind: ResultRows, Rows: Rows{Metadata: RowsMetadata{
		ColumnCount: 1, GlobalTableSpec: true, NewMetadataID: []byte{0xEE},
		Columns: []ColumnSpec{{Keyspace: "ks", Table: "t", Name: "k", Type: tInt}},
	}}}, cat(
		0x00, 0x00, 0x00, 0x02,
		0x00, 0x00, 0x00, 0x09, // global_tables_spec|metadata_changed
		0x00, 0x00, 0x00, 0x01,
		0x00, 0x01, 0xEE, // new_metadata_id
		0x00, 0x02, "ks", 0x00, 0x01, "t",
		0x00, 0x01, "k", 0x00, 0x09,
		0x00, 0x00, 0x00, 0x00,
	)},
	{"RESULT rows column types", v3v4v5, &Result{Kind: ResultRows, Rows: Rows{Metadata: RowsMetadata{
		ColumnCount: 4,
		Columns: []ColumnSpec{
			{Keyspace: "ks", Table: "t", Name: "m", Type: codec.Type{ID: codec.TypeMap, Elems: []codec.Type{tText, {ID: codec.TypeList, Elems: []codec.Type{tInt}}}}},
			{Keyspace: "ks", Table: "t", Name: "u", Type: codec.Type{ID: codec.TypeUDT, Keyspace: "ks", Name: "addr", Fields: []string{"street", "zip"}, Elems: []codec.Type{tText, tInt}}},
			{Keyspace: "ks", Table: "t", Name: "tu", Type: codec.Type{ID: codec.TypeTuple, Elems: []codec.Type{tInt, {ID: codec.TypeBlob}}}},
			{Keyspace: "ks", Table: "t", Name: "vec", Type: codec.Type{ID: codec.TypeVector, Elems: []codec.Type{{ID: codec.TypeFloat}}, Dimension: 3}},
		},
	}}}, cat(
		0x00, 0x00, 0x00, 0x02,
		0x00, 0x00, 0x00, 0x00, // no flags: a table spec per column
		0x00, 0x00, 0x00, 0x04,
		0x00, 0x02, "ks", 0x00, 0x01, "t", 0x00, 0x01, "m",
		0x00, 0x21, 0x00, 0x0D, 0x00, 0x20, 0x00, 0x09, // map<varchar, list<int>>
		0x00, 0x02, "ks", 0x00, 0x01, "t", 0x00, 0x01, "u",
		0x00, 0x30, 0x00, 0x02, "ks", 0x00, 0x04, "addr", // UDT ks.addr
		0x00, 0x02, // 2 fields
		0x00, 0x06, "street", 0x00, 0x0D,
		0x00, 0x03, "zip", 0x00, 0x09,
		0x00, 0x02, "ks", 0x00, 0x01, "t", 0x00, 0x02, "tu",
		0x00, 0x31, 0x00, 0x02, 0x00, 0x09, 0x00, 0x03, // tuple<int, blob>
		0x00, 0x02, "ks", 0x00, 0x01, "t", 0x00, 0x03, "vec",
		0x00, 0x00, // custom
		0x00, 0x59, "org.apache.cassandra.db.marshal.VectorType(org.apache.cassandra.db.marshal.FloatType , 3)",
		0x00, 0x00, 0x00, 0x00, // 0 rows
	)},
	{"RESULT prepared v3", []Version{V3}, preparedResult(), cat(
		0x00, 0x00, 0x00, 0x04, // Prepared
		0x00, 0x02, 0x01, 0x02, // id
		0x00, 0x00, 0x00, 0x01, // flags: global
		0x00, 0x00, 0x00, 0x01, // 1 bind marker (no pk indexes in v3)
		0x00, 0x02, "ks", 0x00, 0x01, "t",
		0x00, 0x01, "k", 0x00, 0x09,
		0x00, 0x00, 0x00, 0x01, // result metadata flags: global
		0x00, 0x00, 0x00, 0x01,
		0x00, 0x02, "ks", 0x00, 0x01, "t",
		0x00, 0x01, "v", 0x00, 0x0D,
	)},
	{"RESULT prepared v4", v4only, preparedResult(0), cat(
		0x00, 0x00, 0x00, 0x04,
		0x00, 0x02, 0x01, 0x02,
		0x00, 0x00, 0x00, 0x01,
		0x00, 0x00, 0x00, 0x01,
		0x00, 0x00, 0x00, 0x01, // 1 pk index
		0x00, 0x00, // pk_index_1 = 0
		0x00, 0x02, "ks", 0x00, 0x01, "t",
		0x00, 0x01, "k", 0x00, 0x09,
		0x00, 0x00, 0x00, 0x01,
		0x00, 0x00, 0x00, 0x01,
		0x00, 0x02, "ks", 0x00, 0x01, "t",
		0x00, 0x01, "v", 0x00, 0x0D,
	)},
	{"RESULT prepared v5 no result metadata", v5only, &Result{Kind: ResultPrepared, Prepared: Prepared{
		ID: []byte{0x01, 0x02}, ResultMetadataID: []byte{0xEE},
		Metadata:       PreparedMetadata{},
		ResultMetadata: RowsMetadata{NoMetadata: true},
	}}, cat(
		0x00, 0x00, 0x00, 0x04,
		0x00, 0x02, 0x01, 0x02, // id
		0x00, 0x01, 0xEE, // result_metadata_id
		0x00, 0x00, 0x00, 0x00, // flags
		0x00, 0x00, 0x00, 0x00, // 0 bind markers
		0x00, 0x00, 0x00, 0x00, // 0 pk indexes
		0x00, 0x00, 0x00, 0x04, // result metadata: no_metadata
		0x00, 0x00, 0x00, 0x00, // 0 columns
	)},
	{"EVENT topology", v3v4v5, &Event{Type: EventTopologyChange, Change: TopologyNewNode, Address: netip.MustParseAddrPort("10.0.0.2:9042")}, cat(
		0x00, 0x0F, "TOPOLOGY_CHANGE", 0x00, 0x08, "NEW_NODE",
		0x04, 10, 0, 0, 2, 0x00, 0x00, 0x23, 0x52, // [inet]
	)},
	{"EVENT status v6 address", v3v4v5, &Event{Type: EventStatusChange, Change: StatusDown, Address: netip.MustParseAddrPort("[::1]:9042")}, cat(
		0x00, 0x0D, "STATUS_CHANGE", 0x00, 0x04, "DOWN",
		0x10, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0x00, 0x00, 0x23, 0x52,
	)},
	{"EVENT schema type", v3v4v5, &Event{Type: EventSchemaChange, Schema: SchemaChange{Change: SchemaCreated, Target: TargetType, Keyspace: "ks", Name: "addr"}}, cat(
		0x00, 0x0D, "SCHEMA_CHANGE",
		0x00, 0x07, "CREATED", 0x00, 0x04, "TYPE", 0x00, 0x02, "ks", 0x00, 0x04, "addr",
	)},
	{"EVENT schema aggregate", v4v5, &Event{Type: EventSchemaChange, Schema: SchemaChange{Change: SchemaDropped, Target: TargetAggregate, Keyspace: "ks", Name: "avg", ArgTypes: []string{}}}, cat(
		0x00, 0x0D, "SCHEMA_CHANGE",
		0x00, 0x07, "DROPPED", 0x00, 0x09, "AGGREGATE", 0x00, 0x02, "ks", 0x00, 0x03, "avg",
		0x00, 0x00, // no argument types
	)},
}

func rowsResult() *Result {
	res := &Result{Kind: ResultRows, Rows: Rows{Metadata: RowsMetadata{
		ColumnCount: 2, GlobalTableSpec: true,
		Columns: []ColumnSpec{
			{Keyspace: "ks", Table: "t", Name: "k", Type: tInt},
			{Keyspace: "ks", Table: "t", Name: "v", Type: tText},
		},
	}}}
	if err := res.Rows.AppendRow([]byte{0, 0, 0, 1}, []byte("a")); err != nil {
		panic(err)
	}
	if err := res.Rows.AppendRow([]byte{0, 0, 0, 2}, nil); err != nil {
		panic(err)
	}
	return res
}

func preparedResult(pk ...uint16) *Result {
	return &Result{Kind: ResultPrepared, Prepared: Prepared{
		ID: []byte{0x01, 0x02},
		Metadata: PreparedMetadata{
			GlobalTableSpec: true, PKIndexes: pk,
			Columns: []ColumnSpec{{Keyspace: "ks", Table: "t", Name: "k", Type: tInt}},
		},
		ResultMetadata: RowsMetadata{
			ColumnCount: 1, GlobalTableSpec: true,
			Columns: []ColumnSpec{{Keyspace: "ks", Table: "t", Name: "v", Type: tText}},
		},
	}}
}

func checkGolden(t *testing.T, cases []goldenCase, newMsg func(Opcode) (Message, error)) {
	t.Helper()
	for _, tc := range cases {
		for _, v := range tc.versions {
			name := tc.name + "/" + v.String()
			got, err := tc.msg.AppendBody([]byte{0xEE}, v) // non-empty dst: must append
			if err != nil {
				t.Errorf("%s: AppendBody: %v", name, err)
				continue
			}
			if got[0] != 0xEE || !bytes.Equal(got[1:], tc.body) {
				t.Errorf("%s: AppendBody\n got % x\nwant % x", name, got[1:], tc.body)
			}
			dec, err := newMsg(tc.msg.Opcode())
			if err != nil {
				t.Fatal(err)
			}
			if err := dec.Decode(tc.body, v); err != nil {
				t.Errorf("%s: Decode: %v", name, err)
				continue
			}
			if !reflect.DeepEqual(dec, tc.msg) {
				t.Errorf("%s: Decode\n got %#v\nwant %#v", name, dec, tc.msg)
			}
			// Extra bytes after a message are ignored (spec: "clients
			// should support extra information ... at the end").
			dec2, _ := newMsg(tc.msg.Opcode())
			if err := dec2.Decode(append(append([]byte{}, tc.body...), 0xAB, 0xCD), v); err != nil {
				t.Errorf("%s: Decode with trailing bytes: %v", name, err)
			}
		}
	}
}

func TestGoldenRequests(t *testing.T)  { checkGolden(t, goldenRequests, NewRequest) }
func TestGoldenResponses(t *testing.T) { checkGolden(t, goldenResponses, NewResponse) }

// Every message type appears in the golden tables at every version it
// exists in.
func TestGoldenCoverage(t *testing.T) {
	seen := map[Opcode]map[Version]bool{}
	for _, cases := range [][]goldenCase{goldenRequests, goldenResponses} {
		for _, tc := range cases {
			op := tc.msg.Opcode()
			if seen[op] == nil {
				seen[op] = map[Version]bool{}
			}
			for _, v := range tc.versions {
				seen[op][v] = true
			}
		}
	}
	for op := OpError; op <= OpAuthSuccess; op++ {
		if !op.Valid() {
			continue
		}
		for _, v := range v3v4v5 {
			if !seen[op][v] {
				t.Errorf("no golden case for %v at %v", op, v)
			}
		}
	}
}
