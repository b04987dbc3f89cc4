// Command lecms-vcard inserts a virtual LECMS card into vsmartcard-vpcd, so
// the agent and the SPA can be tried without hardware. The card stays in the
// reader until the command is interrupted. Development use only: release
// builds of the agent refuse the virtual reader.
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

	"github.com/lecms/lecms/cardagent/vcard"
)

func main() {
	if err := run(); err != nil {
		fmt.Fprintln(os.Stderr, "lecms-vcard:", err)
		os.Exit(1)
	}
}

func run() error {
	profile := flag.String("profile", "iso", "card type: iso (ISO 7816-4 CPU card) or mifare (MIFARE Classic 1K on an ACR122U)")
	uidHex := flag.String("uid", "", "card UID in hex (default 04A1B2C3D4E5F6 for iso, A1B2C3D4 for mifare)")
	addr := flag.String("vpcd", vcard.DefaultVPCDAddr, "vpcd slot address (slot 2: 127.0.0.1:35964)")
	pullAfter := flag.Int("pull-after-updates", -1, "fault: pull the card when an update arrives after this many (-1: never)")
	flag.Parse()

	var card interface {
		vcard.Card
		PullAfterUpdates(int)
	}
	switch *profile {
	case "iso":
		card = vcard.NewISO(mustUID(*uidHex, "04A1B2C3D4E5F6"))
	case "mifare":
		card = vcard.NewMifare(mustUID(*uidHex, "A1B2C3D4"))
	default:
		return fmt.Errorf("unknown profile %q", *profile)
	}
	if *pullAfter >= 0 {
		card.PullAfterUpdates(*pullAfter)
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	in, err := vcard.Insert(ctx, *addr, card)
	if err != nil {
		return err
	}
	fmt.Fprintf(os.Stderr, "%s card inserted at %s (ATR %X); Ctrl-C removes it\n", *profile, *addr, card.ATR())
	select {
	case <-ctx.Done():
		in.Remove()
		fmt.Fprintln(os.Stderr, "card removed")
		return nil
	case <-in.Done():
		if errors.Is(in.Err(), vcard.ErrPulled) {
			fmt.Fprintln(os.Stderr, "card pulled by fault injection")
			return nil
		}
		return fmt.Errorf("vpcd closed the connection: %v", in.Err())
	}
}

func mustUID(s, def string) []byte {
	if s == "" {
		s = def
	}
	b, err := hex.DecodeString(s)
	if err != nil || len(b) == 0 {
		fmt.Fprintf(os.Stderr, "lecms-vcard: bad -uid %q\n", s)
		os.Exit(2)
	}
	return b
}
