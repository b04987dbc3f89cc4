//go:build !linux

package vcard

import "net"

// quickAck is Linux-only; elsewhere vpcd is slower but works.
func quickAck(net.Conn) {}
