package audit

import (
	"bytes"
	"context"
	"fmt"
	"hash"
	"time"

	"github.com/lecms/lecms/api/store"
)

// BreakKind classifies the first broken link Verify finds.
type BreakKind string

const (
	BreakAltered   BreakKind = "altered"   // a row's content no longer matches its hash
	BreakMissing   BreakKind = "missing"   // ids jump: rows were deleted
	BreakRelinked  BreakKind = "relinked"  // prev_hash is not the previous row's hash: rows deleted and renumbered, or reordered
	BreakTruncated BreakKind = "truncated" // the head is past the last row: the newest rows were deleted
	BreakHead      BreakKind = "head"      // the head's hash is not the last row's, or the head is gone
	BreakMisfiled  BreakKind = "misfiled"  // the jurisdiction columns do not match the hashed scope
)

// Break is the first broken link: the id where the chain stops being
// trustworthy and why. Message is Chinese, for operators and the UI.
type Break struct {
	ID      int64
	Kind    BreakKind
	Message string
}

// Report is the result of a verification.
type Report struct {
	Algorithm Algorithm
	AnchorID  int64      // rows up to this id were pruned; checking starts after it
	AnchorAt  *time.Time // time of the last pruned row
	HeadID    int64      // last appended row when the check started
	HeadHash  []byte
	FirstID   int64 // range checked; zero when the chain is empty
	LastID    int64
	Checked   int64 // rows whose hash and link were checked
	Break     *Break
}

// OK reports whether the chain verified.
func (r Report) OK() bool { return r.Break == nil }

// Verify walks the chain from the anchor to the head in id order, in
// batches, recomputing every hash and link; it stops at the first break.
// It reads the head first, so events appended meanwhile are left for the
// next run. The error is for failures to read, never for a broken chain.
func (t *Trail) Verify(ctx context.Context) (Report, error) {
	head, err := t.log.Head(ctx)
	if err != nil {
		return Report{}, err
	}
	r := Report{Algorithm: Algorithm(head.Algorithm), AnchorID: head.AnchorID, AnchorAt: head.AnchorAt,
		HeadID: head.HeadID, HeadHash: head.HeadHash}
	if !head.Exists {
		// No head: either nothing was ever recorded, or the head row was
		// deleted; rows without a head are a break.
		rows, err := t.log.Range(ctx, 0, 1<<62, 1)
		if err != nil {
			return r, err
		}
		if len(rows) > 0 {
			r.Break = &Break{ID: rows[0].ID, Kind: BreakHead, Message: "审计链头记录缺失，但存在审计记录"}
		}
		return r, nil
	}
	h, err := r.Algorithm.newHash()
	if err != nil {
		r.Break = &Break{ID: head.HeadID, Kind: BreakHead, Message: fmt.Sprintf("审计链记录的哈希算法“%s”无法识别", head.Algorithm)}
		return r, nil
	}
	prev, expect := head.AnchorHash, head.AnchorID+1
	for expect <= head.HeadID {
		rows, err := t.log.Range(ctx, expect-1, head.HeadID, t.batch)
		if err != nil {
			return r, err
		}
		if len(rows) == 0 {
			break
		}
		for i := range rows {
			e := &rows[i]
			if b := checkLink(h, e, expect, prev); b != nil {
				r.Break = b
				return r, nil
			}
			if r.FirstID == 0 {
				r.FirstID = e.ID
			}
			r.LastID, r.Checked = e.ID, r.Checked+1
			prev, expect = e.Hash, e.ID+1
		}
	}
	switch {
	case expect <= head.HeadID:
		r.Break = &Break{ID: expect, Kind: BreakTruncated,
			Message: fmt.Sprintf("审计记录 %d 至 %d 缺失（最新的记录被删除）", expect, head.HeadID)}
	case !bytes.Equal(prev, head.HeadHash):
		r.Break = &Break{ID: head.HeadID, Kind: BreakHead, Message: "审计链头的哈希与最后一条记录不符"}
	}
	return r, nil
}

// checkLink checks one row against the id and previous hash it must have.
func checkLink(h hash.Hash, e *store.AuditEntry, expect int64, prev []byte) *Break {
	switch {
	case e.ID != expect:
		msg := fmt.Sprintf("审计记录 %d 缺失（已被删除）", expect)
		if e.ID > expect+1 {
			msg = fmt.Sprintf("审计记录 %d 至 %d 缺失（已被删除）", expect, e.ID-1)
		}
		return &Break{ID: expect, Kind: BreakMissing, Message: msg}
	case !bytes.Equal(e.PrevHash, prev):
		return &Break{ID: e.ID, Kind: BreakRelinked,
			Message: fmt.Sprintf("审计记录 %d 与前一条记录的链接不符（前面的记录被删除、替换或调换了顺序）", e.ID)}
	case !bytes.Equal(chainHash(h, prev, e), e.Hash):
		return &Break{ID: e.ID, Kind: BreakAltered, Message: fmt.Sprintf("审计记录 %d 的内容被篡改（哈希不符）", e.ID)}
	case e.ProvCode != e.Scope.Province() || e.CityCode != e.Scope.City():
		return &Break{ID: e.ID, Kind: BreakMisfiled, Message: fmt.Sprintf("审计记录 %d 的辖区字段被改动", e.ID)}
	}
	return nil
}
