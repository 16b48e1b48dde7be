package query

import (
	"math/bits"
	"sync"
)

// poolAllocator hands the Arrow IPC reader buffers from size-class pools
// instead of fresh Go memory: an export reads hundreds of message bodies of
// similar size, and allocating (and zeroing, and collecting) each one was
// a tenth of the server's work. Buffers are not zeroed: the reader fills a
// message body whole before it reads from it.
type poolAllocator struct {
	classes [maxClass + 1]sync.Pool
}

const (
	minClass = 6  // 64 bytes
	maxClass = 27 // 128 MB; larger buffers are not pooled
)

var ipcAllocator = &poolAllocator{}

func sizeClass(size int) int {
	if size <= 1<<minClass {
		return minClass
	}
	return bits.Len(uint(size - 1))
}

func (p *poolAllocator) Allocate(size int) []byte {
	c := sizeClass(size)
	if c > maxClass {
		return make([]byte, size)
	}
	if b, ok := p.classes[c].Get().(*[]byte); ok {
		return (*b)[:size]
	}
	return make([]byte, size, 1<<c)
}

func (p *poolAllocator) Reallocate(size int, b []byte) []byte {
	if size <= cap(b) {
		return b[:size]
	}
	nb := p.Allocate(size)
	copy(nb, b)
	p.Free(b)
	return nb
}

func (p *poolAllocator) Free(b []byte) {
	c := sizeClass(cap(b))
	if c > maxClass || cap(b) != 1<<c {
		return
	}
	b = b[:cap(b)]
	p.classes[c].Put(&b)
}
