package pool

import "testing"

func TestIsConditional(t *testing.T) {
	for _, tc := range []struct {
		q    string
		want bool
	}{
		{"INSERT INTO t (k, v) VALUES (?, ?) IF NOT EXISTS", true},
		{"update t set v = ? where k = ? if v = ?", true},
		{"DELETE FROM t WHERE k = ? IF EXISTS", true},
		{"UPDATE t SET v = 1 WHERE k = 1\nIF\tv = 0", true},
		{"SELECT * FROM t WHERE k = ?", false},
		{"INSERT INTO t (k, v) VALUES (?, 'IF NOT EXISTS')", false},
		{`SELECT "if" FROM t`, false},
		{"INSERT INTO t (k, v) VALUES (?, $$ IF $$)", false},
		{"SELECT v FROM t -- IF\nWHERE k = ?", false},
		{"SELECT v FROM t /* IF */ WHERE k = ?", false},
		{"SELECT v FROM t // if\n", false},
		{"SELECT ifx, xif, if_ FROM t", false},
		{"INSERT INTO t (k, v) VALUES (?, 'it''s') IF NOT EXISTS", true},
		{"SELECT 'unterminated", false},
		{"SELECT $$unterminated", false},
		{"/* unterminated", false},
		{"", false},
	} {
		if got := isConditional(tc.q); got != tc.want {
			t.Errorf("isConditional(%q) = %v, want %v", tc.q, got, tc.want)
		}
	}
}

func FuzzIsConditional(f *testing.F) {
	f.Add("UPDATE t SET v = ? WHERE k = ? IF v = ?")
	f.Add("'a''b' $$ x $$ /* c */ -- d\n")
	f.Fuzz(func(t *testing.T, q string) {
		isConditional(q) // must not panic or loop
	})
}
