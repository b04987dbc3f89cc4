package apdu

// ISO 7816-4 commands for a transparent elementary file. Short APDUs only:
// every reader supports them, and the chunk sizes below keep each command
// and response within 255 data bytes.

// MaxChunk is the most data bytes sent or requested per READ/UPDATE BINARY.
// 240 leaves room under the 255/256-byte short-APDU limits for readers that
// add framing, and is a multiple of 16 to line up with MIFARE blocks.
const MaxChunk = 240

// SelectEF selects an elementary file by its 2-byte file identifier under
// the current DF (P1=02) and asks for no response data (P2=0C), the form
// every card supports.
func SelectEF(fid uint16) []byte {
	return []byte{0x00, 0xA4, 0x02, 0x0C, 0x02, byte(fid >> 8), byte(fid)}
}

// ReadBinary reads n bytes (1..256) at offset (0..0x7FFF).
func ReadBinary(offset uint16, n int) []byte {
	return []byte{0x00, 0xB0, byte(offset >> 8 & 0x7F), byte(offset), byte(n)} // Le 00 means 256
}

// UpdateBinary writes data (1..255 bytes) at offset (0..0x7FFF).
func UpdateBinary(offset uint16, data []byte) []byte {
	c := []byte{0x00, 0xD6, byte(offset >> 8 & 0x7F), byte(offset), byte(len(data))}
	return append(c, data...)
}
