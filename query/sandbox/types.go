package sandbox

import (
	"fmt"

	"github.com/apache/arrow-go/v18/arrow"
)

// TypeName returns the SQL name of an Arrow type as DuckDB would write it.
func TypeName(t arrow.DataType) string {
	switch t := t.(type) {
	case *arrow.Decimal128Type:
		return fmt.Sprintf("DECIMAL(%d,%d)", t.Precision, t.Scale)
	case *arrow.TimestampType:
		if t.TimeZone != "" {
			return "TIMESTAMP WITH TIME ZONE"
		}
		return "TIMESTAMP"
	case *arrow.ListType:
		return TypeName(t.Elem()) + "[]"
	}
	if n, ok := sqlTypeNames[t.ID()]; ok {
		return n
	}
	return t.String()
}

var sqlTypeNames = map[arrow.Type]string{
	arrow.BOOL: "BOOLEAN", arrow.INT8: "TINYINT", arrow.INT16: "SMALLINT", arrow.INT32: "INTEGER",
	arrow.INT64: "BIGINT", arrow.UINT8: "UTINYINT", arrow.UINT16: "USMALLINT", arrow.UINT32: "UINTEGER",
	arrow.UINT64: "UBIGINT", arrow.FLOAT32: "FLOAT", arrow.FLOAT64: "DOUBLE", arrow.STRING: "VARCHAR",
	arrow.LARGE_STRING: "VARCHAR", arrow.STRING_VIEW: "VARCHAR", arrow.BINARY: "BLOB", arrow.DATE32: "DATE",
	arrow.TIME64: "TIME", arrow.STRUCT: "STRUCT", arrow.MAP: "MAP", arrow.INTERVAL_MONTH_DAY_NANO: "INTERVAL",
}
