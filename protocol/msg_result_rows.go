package protocol

import (
	"encoding/binary"
	"io"
	"math"
)

// Rows is a Rows result: metadata, a row count and the raw <rows_content>.
//
// Rows are not split up when decoded: Content keeps the bytes as they came
// and NextRow walks them, returning each cell as a sub-slice of the frame
// body (nil for NULL). Nothing is allocated per row or per cell. Cells, like
// Content, alias the body the Result was decoded from: they are valid only
// until that buffer is reused (in a driver, until the next frame is read),
// so copy what must be kept.
//
// Decode checks every cell length against the body once, so NextRow cannot
// run past the end.
type Rows struct {
	Metadata RowsMetadata
	// RowCount is <rows_count>.
	RowCount int
	// Content is <rows_content>: RowCount * Metadata.ColumnCount [bytes].
	Content []byte

	pos, row int // iteration state
}

// decode reads the metadata, the count and validates the content.
func (m *Rows) decode(r *Reader, v Version) error {
	if err := m.Metadata.decode(r, v); err != nil {
		return err
	}
	n, err := r.ReadInt()
	if err != nil {
		return err
	}
	if n < 0 {
		return malformed("rows count %d", n)
	}
	cols := m.Metadata.ColumnCount
	if n > 0 && cols == 0 {
		return malformed("%d rows of 0 columns", n)
	}
	// Every cell takes at least its 4-byte length.
	if int64(n)*int64(cols)*4 > int64(r.Len()) {
		return malformed("%d rows of %d columns cannot fit in %d bytes", n, cols, r.Len())
	}
	content := r.Remaining()
	end, err := scanCells(content, int(n)*cols)
	if err != nil {
		return err
	}
	m.RowCount = int(n)
	m.Content = content[:end:end]
	if end == 0 {
		m.Content = nil
	}
	m.pos, m.row = 0, 0
	return nil
}

// scanCells checks that b starts with n [bytes] and returns their length.
func scanCells(b []byte, n int) (int, error) {
	pos := 0
	for i := 0; i < n; i++ {
		if len(b)-pos < 4 {
			return 0, malformed("cell %d: length needs 4 bytes, %d remain", i, len(b)-pos)
		}
		l := int32(binary.BigEndian.Uint32(b[pos:]))
		pos += 4
		if l > 0 {
			if int(l) > len(b)-pos {
				return 0, malformed("cell %d of %d bytes, %d remain", i, l, len(b)-pos)
			}
			pos += int(l)
		}
	}
	return pos, nil
}

// NextRow returns the cells of the next row, appended to cells[:0] (pass
// the previous result to reuse it). A NULL cell is nil; an empty value is an
// empty non-nil slice. Cells alias the frame body. After the last row it
// returns io.EOF; on io.EOF and errors the returned slice is cells[:0], so
// a loop doing cells, err = rows.NextRow(cells) keeps its buffer.
func (m *Rows) NextRow(cells [][]byte) ([][]byte, error) {
	cells = cells[:0]
	if m.row >= m.RowCount {
		return cells, io.EOF
	}
	b := m.Content
	pos := m.pos
	for i := 0; i < m.Metadata.ColumnCount; i++ {
		if len(b)-pos < 4 {
			return cells[:0], malformed("row %d cell %d: truncated", m.row, i)
		}
		l := int32(binary.BigEndian.Uint32(b[pos:]))
		pos += 4
		if l < 0 {
			cells = append(cells, nil)
			continue
		}
		if int(l) > len(b)-pos {
			return cells[:0], malformed("row %d cell %d of %d bytes, %d remain", m.row, i, l, len(b)-pos)
		}
		cells = append(cells, b[pos:pos+int(l):pos+int(l)])
		pos += int(l)
	}
	m.pos = pos
	m.row++
	return cells, nil
}

// Rewind restarts iteration at the first row.
func (m *Rows) Rewind() { m.pos, m.row = 0, 0 }

// Remaining returns the number of rows NextRow has yet to return.
func (m *Rows) Remaining() int { return m.RowCount - m.row }

// AppendRow appends one row to Content and counts it (for test servers
// building a result). cells must have Metadata.ColumnCount entries, or
// len(Metadata.Columns) when ColumnCount is 0; nil is NULL.
func (m *Rows) AppendRow(cells ...[]byte) error {
	want := m.Metadata.ColumnCount
	if want == 0 && !m.Metadata.NoMetadata {
		want = len(m.Metadata.Columns)
	}
	if len(cells) != want {
		return malformed("row of %d cells for %d columns", len(cells), want)
	}
	var err error
	for _, c := range cells {
		if m.Content, err = AppendBytes(m.Content, c); err != nil {
			return err
		}
	}
	m.RowCount++
	return nil
}

func (m *Rows) appendTo(dst []byte, v Version) ([]byte, error) {
	dst, err := m.Metadata.appendTo(dst, v)
	if err != nil {
		return dst, err
	}
	if m.RowCount < 0 || m.RowCount > math.MaxInt32 {
		return dst, malformed("rows count %d", m.RowCount)
	}
	dst = AppendInt(dst, int32(m.RowCount))
	return append(dst, m.Content...), nil
}
