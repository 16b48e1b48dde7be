package sandbox

/*
#include <stdlib.h>
void pierHashPII(void *info, void *input, void *output);
*/
import "C"

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"unsafe"

	duck "github.com/duckdb/duckdb-go-bindings"
)

// hashHexLen is how much of the HMAC a hidden PII value shows: 128 bits,
// as 32 hexadecimal digits.
const hashHexLen = 32

// registerHash makes name(VARCHAR) → VARCHAR the keyed hash of hidden PII
// columns: HMAC-SHA-256 under key, computed in Go. DuckDB holds only a
// pointer to a copy of the key in C memory, which no SQL function, view
// definition or setting shows, so a query cannot compute the hash of a
// guessed value and reverse it by comparison.
func registerHash(c duck.Connection, name string, key []byte) error {
	if len(key) == 0 {
		return errors.New("sandbox: no PII key")
	}
	f := duck.CreateScalarFunction()
	defer duck.DestroyScalarFunction(&f)
	duck.ScalarFunctionSetName(f, name)
	varchar := duck.CreateLogicalType(duck.TypeVarchar)
	defer duck.DestroyLogicalType(&varchar)
	duck.ScalarFunctionAddParameter(f, varchar)
	duck.ScalarFunctionSetReturnType(f, varchar)
	// Special handling: NULL reaches the callback, which keeps it NULL.
	duck.ScalarFunctionSetSpecialHandling(f)
	info := C.malloc(C.size_t(len(key) + 4))
	*(*uint32)(info) = uint32(len(key))
	copy(unsafe.Slice((*byte)(unsafe.Add(info, 4)), len(key)), key)
	duck.ScalarFunctionSetExtraInfo(f, info, unsafe.Pointer(C.free))
	duck.ScalarFunctionSetFunction(f, unsafe.Pointer(C.pierHashPII))
	if duck.RegisterScalarFunction(c, f) == duck.StateError {
		return errors.New("sandbox: cannot register the PII hash")
	}
	return nil
}

//export pierHashPII
func pierHashPII(info, input, output unsafe.Pointer) {
	fi := duck.FunctionInfo{Ptr: info}
	extra := duck.ScalarFunctionGetExtraInfo(fi)
	key := unsafe.Slice((*byte)(unsafe.Add(extra, 4)), *(*uint32)(extra))
	chunk := duck.DataChunk{Ptr: input}
	out := duck.Vector{Ptr: output}
	in := duck.DataChunkGetVector(chunk, 0)
	n := int(duck.DataChunkGetSize(chunk))
	hashStrings(key, in, out, n)
}

// hashStrings writes the keyed hash of each of the first n strings of in
// to out, and NULL where in is NULL. The C API hands scalar functions flat
// vectors, so row i is element i.
func hashStrings(key []byte, in, out duck.Vector, n int) {
	data := duck.VectorGetData(in)
	validity := duck.VectorGetValidity(in)
	mac := hmac.New(sha256.New, key)
	var sum [sha256.Size]byte
	var text [hashHexLen]byte
	for i := 0; i < n; i++ {
		if validity != nil && !duck.ValidityRowIsValid(validity, duck.IdxT(i)) {
			duck.VectorEnsureValidityWritable(out)
			duck.ValiditySetRowInvalid(duck.VectorGetValidity(out), duck.IdxT(i))
			continue
		}
		mac.Reset()
		mac.Write(stringAt(data, i))
		hex.Encode(text[:], mac.Sum(sum[:0])[:hashHexLen/2])
		duck.VectorAssignStringElementLen(out, duck.IdxT(i), text[:])
	}
}

// stringAt reads element i of a VARCHAR vector's data, a duckdb_string_t
// of 16 bytes: a 4-byte length, then up to 12 bytes inline, or else a
// 4-byte prefix and a pointer to the bytes.
func stringAt(data unsafe.Pointer, i int) []byte {
	s := unsafe.Add(data, 16*i)
	n := *(*uint32)(s)
	if n <= 12 {
		return unsafe.Slice((*byte)(unsafe.Add(s, 4)), n)
	}
	return unsafe.Slice(*(**byte)(unsafe.Add(s, 8)), n)
}
