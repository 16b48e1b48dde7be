package views

import "testing"

func TestResultNumbersReadWithSeparatorsAndSensibleDecimals(t *testing.T) {
	for _, c := range []struct{ text, typ, column, want string }{
		{"1234567", "BIGINT", "orders", "1,234,567"},
		{"-1234567", "HUGEINT", "delta", "-1,234,567"},
		{"170141183460469231731687303715884105727", "HUGEINT", "big", "170,141,183,460,469,231,731,687,303,715,884,105,727"},
		{"30000", "DECIMAL(12,2)", "total", "30,000.00"},
		{"1234.5678", "DOUBLE", "avg", "1,234.57"},
		{"0.012345", "DOUBLE", "rate", "0.0123"},
		{"2.5", "DOUBLE", "x", "2.5"},
		{"123456", "BIGINT", "member_id", "123456"},
		{"2026", "INTEGER", "year", "2026"},
		{"kr", "VARCHAR", "country", "kr"},
	} {
		if got := FormatNumber(c.text, c.typ, c.column); got != c.want {
			t.Errorf("FormatNumber(%q, %s, %s) = %q, want %q", c.text, c.typ, c.column, got, c.want)
		}
	}
}
