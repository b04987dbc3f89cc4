// Command legacycard is a test helper for the SPA's browser tests
// (frontend/e2e/card.spec.ts): it inserts into vsmartcard-vpcd a virtual ISO
// 7816-4 card that already holds a chip record signed with the provincial
// record key, like the card of an officer whose certificate was issued
// before (the demo data has such officers, due for inspection, but no card
// the server wrote). The record is put into slot A of the card's EF as the
// agent would have written it; the agent then reads and syncs it like any
// card. The card stays in the reader until the command is interrupted.
//
//	LECMS_CARD_RECORD_KEY=ed25519-private:… legacycard -uid 1A2B3C4D \
//	    -cert-no 370102ZF000913 -name 王小明 -unit-code A00012 \
//	    -valid-until 2026-12-31 -last-inspection 2024-12-31
//
// The private key is read from the environment (never a flag), the same
// variable the server takes it from. Development and test use only.
package main

import (
	"context"
	"encoding/hex"
	"errors"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"syscall"

	"github.com/lecms/lecms/cardagent/chiprecord"
	"github.com/lecms/lecms/cardagent/sigalg"
	"github.com/lecms/lecms/cardagent/vcard"
)

func main() {
	if err := run(); err != nil {
		fmt.Fprintln(os.Stderr, "legacycard:", err)
		os.Exit(1)
	}
}

func run() error {
	addr := flag.String("vpcd", vcard.DefaultVPCDAddr, "vpcd slot address")
	uidHex := flag.String("uid", "", "card UID in hex (required)")
	keyEnv := flag.String("record-key-env", "LECMS_CARD_RECORD_KEY", "environment variable holding the provincial record key")
	checksum := flag.String("checksum", "crc32", "record checksum: crc32 or sm3")
	seq := flag.Uint("seq", 1, "record sequence number")
	var r chiprecord.Record
	flag.StringVar(&r.CertNo, "cert-no", "", "certificate number (required)")
	flag.StringVar(&r.Name, "name", "", "holder's name (required)")
	flag.StringVar(&r.UnitCode, "unit-code", "", "unit code")
	flag.StringVar(&r.Area, "area", "", "enforcement area")
	flag.StringVar(&r.Category, "category", "", "enforcement category")
	validUntil := flag.String("valid-until", "", "valid until, YYYY-MM-DD (required)")
	lastInspection := flag.String("last-inspection", "", "last inspection, YYYY-MM-DD")
	flag.Parse()

	if *uidHex == "" || r.CertNo == "" || r.Name == "" || *validUntil == "" {
		return errors.New("-uid, -cert-no, -name and -valid-until are required")
	}
	uid, err := hex.DecodeString(*uidHex)
	if err != nil || len(uid) == 0 {
		return fmt.Errorf("bad -uid %q", *uidHex)
	}
	key, err := sigalg.ParsePrivateKey(os.Getenv(*keyEnv))
	if err != nil {
		return fmt.Errorf("record key from $%s: %w", *keyEnv, err)
	}
	sum, err := chiprecord.ParseChecksumAlg(*checksum)
	if err != nil {
		return err
	}
	if r.ValidUntil, err = chiprecord.ParseDate(*validUntil); err != nil {
		return fmt.Errorf("-valid-until: %w", err)
	}
	if *lastInspection != "" {
		if r.LastInspection, err = chiprecord.ParseDate(*lastInspection); err != nil {
			return fmt.Errorf("-last-inspection: %w", err)
		}
	}
	r.Seq, r.CardUID = uint32(*seq), uid
	if err := chiprecord.Sign(&r, key); err != nil {
		return err
	}
	raw, err := chiprecord.Encode(&r, sum)
	if err != nil {
		return err
	}

	// Slot A is the start of the card's transparent EF: write the record
	// there through the card's own APDU interface, as a writer would.
	card := vcard.NewISO(uid)
	if err := apdu(card, []byte{0x00, 0xA4, 0x02, 0x0C, 0x02, byte(vcard.ISOFileID >> 8), byte(vcard.ISOFileID & 0xFF)}); err != nil {
		return fmt.Errorf("select EF: %w", err)
	}
	for off := 0; off < len(raw); off += 240 {
		chunk := raw[off:min(off+240, len(raw))]
		cmd := append([]byte{0x00, 0xD6, byte(off >> 8), byte(off), byte(len(chunk))}, chunk...)
		if err := apdu(card, cmd); err != nil {
			return fmt.Errorf("update binary at %d: %w", off, err)
		}
	}
	card.Reset()

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	in, err := vcard.Insert(ctx, *addr, card)
	if err != nil {
		return err
	}
	fmt.Fprintf(os.Stderr, "legacy card inserted at %s (UID %X, %s, %d-byte record, seq %d); Ctrl-C removes it\n",
		*addr, uid, r.CertNo, len(raw), r.Seq)
	select {
	case <-ctx.Done():
		in.Remove()
		fmt.Fprintln(os.Stderr, "card removed")
		return nil
	case <-in.Done():
		return fmt.Errorf("vpcd closed the connection: %v", in.Err())
	}
}

func apdu(c *vcard.ISO, cmd []byte) error {
	resp, err := c.Process(cmd)
	if err != nil {
		return err
	}
	if len(resp) < 2 || resp[len(resp)-2] != 0x90 || resp[len(resp)-1] != 0x00 {
		return fmt.Errorf("status %X", resp)
	}
	return nil
}
