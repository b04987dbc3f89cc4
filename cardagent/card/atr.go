package card

import "bytes"

type atrKind int

const (
	atrProcessor    atrKind = iota // anything else: treated as an ISO 7816-4 card
	atrMifare1K                    // PC/SC part 3 storage card, MIFARE Classic 1K
	atrOtherStorage                // PC/SC part 3 storage card of another type
)

// pcscStoragePrefix starts the ATR that PC/SC part 3 readers (ACR122U and
// others) synthesise for storage cards: TS T0 TD1 TD2, then the historical
// bytes 80 4F 0C, the PC/SC RID A0 00 00 03 06, the standard byte and the
// two-byte card name.
const pcscStoragePrefix = "\x3B\x8F\x80\x01\x80\x4F\x0C\xA0\x00\x00\x03\x06"

func classifyATR(atr []byte) atrKind {
	if len(atr) < len(pcscStoragePrefix)+3 || !bytes.HasPrefix(atr, []byte(pcscStoragePrefix)) {
		return atrProcessor
	}
	name := atr[len(pcscStoragePrefix)+1 : len(pcscStoragePrefix)+3]
	if name[0] == 0x00 && name[1] == 0x01 { // card name 00 01: MIFARE Classic 1K
		return atrMifare1K
	}
	return atrOtherStorage
}
