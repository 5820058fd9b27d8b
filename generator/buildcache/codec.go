package buildcache

import (
	"encoding/binary"
	"errors"
)

// # Values
//
// A cached value is bytes; a stage that caches a structure writes it
// with an Encoder and reads it with a Decoder, field by field, without
// reflection (a build reads tens of thousands of them): a string or a
// byte slice as a uvarint length and the bytes, a signed number as a
// varint, an unsigned one as a uvarint, a flag as one byte (0 or 1), and
// a list as a uvarint that is 0 for none (nil) and otherwise one more
// than its length, followed by its elements. A value starts with a
// magic of the stage's choosing, which names its format.

// Encoder appends the parts of a value to B.
type Encoder struct{ B []byte }

// String appends a string.
func (e *Encoder) String(s string) {
	e.B = binary.AppendUvarint(e.B, uint64(len(s)))
	e.B = append(e.B, s...)
}

// Bytes appends a byte slice, as String does a string: nil and empty
// read back the same (see Decoder.Bytes).
func (e *Encoder) Bytes(b []byte) {
	e.B = binary.AppendUvarint(e.B, uint64(len(b)))
	e.B = append(e.B, b...)
}

// Int appends a signed number.
func (e *Encoder) Int(n int64) { e.B = binary.AppendVarint(e.B, n) }

// Uint appends an unsigned number.
func (e *Encoder) Uint(n uint64) { e.B = binary.AppendUvarint(e.B, n) }

// Bool appends a flag.
func (e *Encoder) Bool(b bool) {
	if b {
		e.B = append(e.B, 1)
	} else {
		e.B = append(e.B, 0)
	}
}

// List appends the head of a list of n elements, or of none (nil) when
// isNil; the caller then appends the elements.
func (e *Encoder) List(n int, isNil bool) {
	if isNil {
		e.B = append(e.B, 0)
		return
	}
	e.B = binary.AppendUvarint(e.B, uint64(n)+1)
}

// Strings appends a list of strings, nil kept apart from empty.
func (e *Encoder) Strings(ss []string) {
	e.List(len(ss), ss == nil)
	for _, s := range ss {
		e.String(s)
	}
}

// ErrValue is the error of a Decoder that read something other than what
// an Encoder wrote: a damaged or foreign value.
var ErrValue = errors.New("build cache: damaged value")

// Decoder reads the parts of a value in the order they were appended.
// A read past the end or of a malformed part marks the value damaged:
// that read and every later one return zero values, and Err reports it.
type Decoder struct {
	b   []byte
	bad bool
	// all, for a sharing Decoder, is its bytes as one string, which
	// the strings it reads are parts of.
	all    string
	shares bool
}

// NewDecoder returns a Decoder of b.
func NewDecoder(b []byte) *Decoder { return &Decoder{b: b} }

// NewSharingDecoder returns a Decoder of b whose strings are parts of one
// copy of b, made once, rather than a copy each: for a value of many
// short strings kept as long as the value.
func NewSharingDecoder(b []byte) *Decoder { return &Decoder{b: b, all: string(b), shares: true} }

// Magic reads the fixed bytes m, and marks the value damaged when they
// are not there.
func (d *Decoder) Magic(m string) {
	if d.bad || len(d.b) < len(m) || string(d.b[:len(m)]) != m {
		d.bad = true
		return
	}
	d.b = d.b[len(m):]
}

// Uint reads an unsigned number.
func (d *Decoder) Uint() uint64 {
	if d.bad {
		return 0
	}
	v, n := binary.Uvarint(d.b)
	if n <= 0 {
		d.bad = true
		return 0
	}
	d.b = d.b[n:]
	return v
}

// Int reads a signed number.
func (d *Decoder) Int() int64 {
	if d.bad {
		return 0
	}
	v, n := binary.Varint(d.b)
	if n <= 0 {
		d.bad = true
		return 0
	}
	d.b = d.b[n:]
	return v
}

// Int32 reads a signed number that must fit an int32 (and so any int).
func (d *Decoder) Int32() int {
	v := d.Int()
	if v != int64(int32(v)) {
		d.bad = true
		return 0
	}
	return int(v)
}

// Bytes reads a byte slice. The slice shares the Decoder's bytes (its
// capacity ends with it); it is empty, never nil, unless the value is
// damaged.
func (d *Decoder) Bytes() []byte {
	n := d.Uint()
	if d.bad || n > uint64(len(d.b)) {
		d.bad = true
		return nil
	}
	s := d.b[:n:n]
	d.b = d.b[n:]
	return s
}

// String reads a string.
func (d *Decoder) String() string {
	if !d.shares {
		return string(d.Bytes())
	}
	b := d.Bytes()
	at := len(d.all) - len(d.b) - len(b)
	return d.all[at : at+len(b)]
}

// Byte reads one byte.
func (d *Decoder) Byte() byte {
	if d.bad || len(d.b) == 0 {
		d.bad = true
		return 0
	}
	c := d.b[0]
	d.b = d.b[1:]
	return c
}

// Count reads a number of elements each at least min bytes long (at
// least 1): a number the bytes left cannot hold marks the value damaged.
// Unlike List, it has no nil: it is written as the number itself.
func (d *Decoder) Count(min int) int {
	v := d.Uint()
	if d.bad || v > uint64(len(d.b)/max(min, 1)) {
		d.bad = true
		return 0
	}
	return int(v)
}

// Bool reads a flag.
func (d *Decoder) Bool() bool {
	if d.bad || len(d.b) == 0 || d.b[0] > 1 {
		d.bad = true
		return false
	}
	f := d.b[0] == 1
	d.b = d.b[1:]
	return f
}

// List reads the head of a list: its length, or -1 for none (nil). Each
// element takes at least min bytes (at least 1), so a length the bytes
// left cannot hold marks the value damaged.
func (d *Decoder) List(min int) int {
	v := d.Uint()
	if d.bad || v == 0 {
		return -1
	}
	if v-1 > uint64(len(d.b)/max(min, 1)) {
		d.bad = true
		return -1
	}
	return int(v - 1)
}

// Strings reads what Encoder.Strings wrote.
func (d *Decoder) Strings() []string {
	n := d.List(1)
	if n < 0 {
		return nil
	}
	ss := make([]string, n)
	for i := range ss {
		ss[i] = d.String()
	}
	return ss
}

// Err returns ErrValue when a read failed or bytes are left over, and nil
// when the value was read whole.
func (d *Decoder) Err() error {
	if d.bad || len(d.b) != 0 {
		return ErrValue
	}
	return nil
}
