// Package ticket holds the write tickets the API server signs to authorise a
// chip write, and the receipts the agent signs to prove what it wrote. The
// server and the agent import the same code, so both sides agree on the
// bytes that are signed.
//
// Flow: the SPA reads the card (the agent reports its UID); the server
// builds and signs the chip record, derives the card's MIFARE key, and
// issues a Ticket bound to the certificate number, the card UID and the hash
// of the record; the SPA hands ticket and record to the agent, which checks
// the ticket, writes, reads back, and answers with a Receipt signed by its
// device key; the server verifies the receipt (once: see ReplayGuard) before
// marking the certificate as written.
package ticket
