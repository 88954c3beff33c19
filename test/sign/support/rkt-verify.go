// rkt's own signature check, for the tests: Go's golang.org/x/crypto/openpgp (the library rkt
// vendors) reads an armored keyring and checks an armored detached signature over a file.
// Usage: rkt-verify KEYRING.asc FILE SIGNATURE.asc; prints the signer's primary fingerprint.
// Exit 1 with the library's message when the keyring cannot be loaded or the signature is bad.
package main

import (
	"fmt"
	"os"

	"golang.org/x/crypto/openpgp"
)

func main() {
	if len(os.Args) != 4 {
		fmt.Fprintln(os.Stderr, "usage: rkt-verify KEYRING.asc FILE SIGNATURE.asc")
		os.Exit(2)
	}
	keys, err := os.Open(os.Args[1])
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(2)
	}
	ring, err := openpgp.ReadArmoredKeyRing(keys)
	if err != nil {
		fmt.Fprintln(os.Stderr, "keyring:", err)
		os.Exit(1)
	}
	file, err := os.Open(os.Args[2])
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(2)
	}
	signature, err := os.Open(os.Args[3])
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(2)
	}
	signer, err := openpgp.CheckArmoredDetachedSignature(ring, file, signature)
	if err != nil {
		fmt.Fprintln(os.Stderr, "signature:", err)
		os.Exit(1)
	}
	fmt.Printf("%X\n", signer.PrimaryKey.Fingerprint)
}
