package parse

import (
	"encoding/binary"
	"errors"

	"github.com/opsplaybook/playbook/generator/markdown"
)

// The cached form of a bodyPart (readBody): the bytes "PBB2", then its
// fields in order, a string or a byte slice as a uvarint length and the
// bytes, a number as a varint, a flag as one byte, and a list as a uvarint
// that is 0 for none (nil) and otherwise one more than its length. It is
// read at every build for every page whose body did not change, so it is
// made without reflection.
const bodyMagic = "PBB2"

var errBody = errors.New("parse: damaged cached body")

type bodyWriter struct{ b []byte }

func (w *bodyWriter) str(s string) {
	w.b = binary.AppendUvarint(w.b, uint64(len(s)))
	w.b = append(w.b, s...)
}
func (w *bodyWriter) num(n int)   { w.b = binary.AppendVarint(w.b, int64(n)) }
func (w *bodyWriter) flag(f bool) { w.b = append(w.b, b2b(f)) }
func (w *bodyWriter) list(n int, nilList bool) {
	if nilList {
		w.b = append(w.b, 0)
		return
	}
	w.b = binary.AppendUvarint(w.b, uint64(n)+1)
}

func (w *bodyWriter) notes(ns []markdown.Note) {
	w.list(len(ns), ns == nil)
	for _, n := range ns {
		w.num(n.Line)
		w.str(n.Check)
		w.str(n.Message)
	}
}

func encodeBody(bp *bodyPart) []byte {
	w := &bodyWriter{b: make([]byte, 0, 256)}
	w.b = append(w.b, bodyMagic...)
	w.flag(bp.Limit != nil)
	if bp.Limit != nil {
		w.num(bp.Limit.Line)
		w.str(bp.Limit.Check)
		w.str(bp.Limit.Msg)
	}
	w.notes(bp.Notes)
	w.notes(bp.HTML)
	w.flag(bp.H1)
	w.str(bp.H1Text)
	w.list(len(bp.Headings), bp.Headings == nil)
	for _, h := range bp.Headings {
		w.num(h.Level)
		w.str(h.ID)
		w.str(h.Text)
		w.num(h.Line)
	}
	w.list(len(bp.Links), bp.Links == nil)
	for _, l := range bp.Links {
		w.str(l.Dest)
		w.num(l.Line)
		w.flag(l.Image)
	}
	w.list(len(bp.Tasks), bp.Tasks == nil)
	for _, t := range bp.Tasks {
		w.str(t.Text)
		w.flag(t.Checked)
		w.num(t.Line)
	}
	return w.b
}

type bodyReader struct {
	b   []byte
	bad bool
}

func (r *bodyReader) uvarint() uint64 {
	v, n := binary.Uvarint(r.b)
	if n <= 0 {
		r.bad = true
		return 0
	}
	r.b = r.b[n:]
	return v
}

func (r *bodyReader) bytes(n uint64) []byte {
	if r.bad || n > uint64(len(r.b)) {
		r.bad = true
		return nil
	}
	s := r.b[:n:n]
	r.b = r.b[n:]
	return s
}

func (r *bodyReader) str() string { return string(r.bytes(r.uvarint())) }

func (r *bodyReader) num() int {
	v, n := binary.Varint(r.b)
	if n <= 0 || v != int64(int(v)) {
		r.bad = true
		return 0
	}
	r.b = r.b[n:]
	return int(v)
}

func (r *bodyReader) flag() bool {
	if r.bad || len(r.b) == 0 || r.b[0] > 1 {
		r.bad = true
		return false
	}
	f := r.b[0] == 1
	r.b = r.b[1:]
	return f
}

// list reads a list's length: -1 for none. A length that the bytes left
// cannot hold (each element takes at least min bytes) is damage.
func (r *bodyReader) list(min int) int {
	v := r.uvarint()
	if r.bad || v == 0 {
		return -1
	}
	if v-1 > uint64(len(r.b)/min) {
		r.bad = true
		return -1
	}
	return int(v - 1)
}

func (r *bodyReader) notes() []markdown.Note {
	n := r.list(3)
	if n < 0 {
		return nil
	}
	ns := make([]markdown.Note, n)
	for i := range ns {
		ns[i] = markdown.Note{Line: r.num(), Check: r.str(), Message: r.str()}
	}
	return ns
}

// decodeBody reads what encodeBody wrote; anything else is an error.
func decodeBody(data []byte) (*bodyPart, error) {
	if len(data) < len(bodyMagic) || string(data[:len(bodyMagic)]) != bodyMagic {
		return nil, errBody
	}
	r := &bodyReader{b: data[len(bodyMagic):]}
	bp := &bodyPart{}
	if r.flag() {
		bp.Limit = &markdown.LimitError{Line: r.num(), Check: r.str(), Msg: r.str()}
	}
	bp.Notes = r.notes()
	bp.HTML = r.notes()
	bp.H1 = r.flag()
	bp.H1Text = r.str()
	if n := r.list(4); n >= 0 {
		bp.Headings = make([]markdown.Heading, n)
		for i := range bp.Headings {
			bp.Headings[i] = markdown.Heading{Level: r.num(), ID: r.str(), Text: r.str(), Line: r.num()}
		}
	}
	if n := r.list(3); n >= 0 {
		bp.Links = make([]bodyLink, n)
		for i := range bp.Links {
			bp.Links[i] = bodyLink{Dest: r.str(), Line: r.num(), Image: r.flag()}
		}
	}
	if n := r.list(3); n >= 0 {
		bp.Tasks = make([]markdown.Task, n)
		for i := range bp.Tasks {
			bp.Tasks[i] = markdown.Task{Text: r.str(), Checked: r.flag(), Line: r.num()}
		}
	}
	if r.bad || len(r.b) != 0 {
		return nil, errBody
	}
	return bp, nil
}
