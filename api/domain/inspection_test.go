package domain

import "testing"

func TestNextDue(t *testing.T) {
	tests := []struct {
		last   string
		cycle  int
		wantDu string
	}{
		{"2010-06-30", 24, "2012-06-30"}, // the seed's example
		{"2010-06-30", 12, "2011-06-30"},
		{"2010-06-30", 36, "2013-06-30"},
		{"2012-02-29", 24, "2014-02-28"},
		{"2012-02-29", 12, "2013-02-28"},
		{"2012-02-29", 48, "2016-02-29"},
	}
	for _, tt := range tests {
		p := DefaultInspectionPolicy()
		p.CycleMonths = tt.cycle
		if got := p.NextDue(MustDate(tt.last)); got.String() != tt.wantDu {
			t.Errorf("NextDue(%s) with %d months = %s, want %s", tt.last, tt.cycle, got, tt.wantDu)
		}
	}
}

func TestDefaultInspectionPolicy(t *testing.T) {
	if p := DefaultInspectionPolicy(); p.CycleMonths != 24 || p.WarnMonths != 2 || p.ExamEveryNth != 2 {
		t.Errorf("DefaultInspectionPolicy = %+v", p)
	}
}

func TestDueStateOnSeedExample(t *testing.T) {
	p := DefaultInspectionPolicy()
	// Last inspected 2010-06-30 on a 24-month cycle: due 2012-06-30.
	due := p.NextDue(MustDate("2010-06-30"))
	tests := []struct {
		due, today string
		want       DueState
	}{
		{due.String(), "2012-04-29", DueOK},
		{due.String(), "2012-04-30", DueSoon},
		{due.String(), "2012-06-30", DueSoon},
		{due.String(), "2012-07-01", DueOverdue},
		// The seed's own phrasing, with the due date itself 2010-06-30.
		{"2010-06-30", "2009-06-30", DueOK},
		{"2010-06-30", "2010-04-29", DueOK},
		{"2010-06-30", "2010-04-30", DueSoon},
		{"2010-06-30", "2010-05-31", DueSoon},
		{"2010-06-30", "2010-06-30", DueSoon},
		{"2010-06-30", "2010-07-01", DueOverdue},
		{"2010-06-30", "2013-01-01", DueOverdue},
		// Month-end clamping: today+2 months of 2009-12-31 is 2010-02-28.
		{"2010-02-28", "2009-12-27", DueOK},
		{"2010-02-28", "2009-12-28", DueSoon},
		{"2010-02-28", "2009-12-31", DueSoon},
		{"2010-03-01", "2009-12-31", DueOK},
		{"2010-03-01", "2010-01-01", DueSoon},
	}
	for _, tt := range tests {
		d := MustDate(tt.due)
		if got := p.DueStateOn(&d, MustDate(tt.today)); got != tt.want {
			t.Errorf("due %s on %s = %s, want %s", tt.due, tt.today, got, tt.want)
		}
	}
	today := MustDate("2010-06-30")
	if got := p.DueStateOn(nil, today); got != DueNone {
		t.Errorf("nil due = %s, want none", got)
	}
	if got := p.DueStateOn(&Date{}, today); got != DueNone {
		t.Errorf("zero due = %s, want none", got)
	}
}

func TestDueStateOnConfigurableWindow(t *testing.T) {
	p := InspectionPolicy{CycleMonths: 12, WarnMonths: 1}
	due := p.NextDue(MustDate("2010-06-30")) // 2011-06-30
	for today, want := range map[string]DueState{
		"2011-05-29": DueOK,
		"2011-05-30": DueSoon,
		"2011-06-30": DueSoon,
		"2011-07-01": DueOverdue,
	} {
		if got := p.DueStateOn(&due, MustDate(today)); got != want {
			t.Errorf("12/1 policy: due %s on %s = %s, want %s", due, today, got, want)
		}
	}
}

// TestDueRangeMatchesDueStateOn guarantees that SQL filters built from
// DueRange select exactly the officers DueStateOn puts in each state.
func TestDueRangeMatchesDueStateOn(t *testing.T) {
	policies := []InspectionPolicy{
		DefaultInspectionPolicy(),
		{CycleMonths: 12, WarnMonths: 1},
		{CycleMonths: 36, WarnMonths: 3},
	}
	var dues []Date
	for _, s := range []string{"2010-06-30", "2010-02-28", "2012-02-29", "2011-12-31", "2010-03-31",
		"2010-08-31", "2011-04-30", "2012-01-01", "2013-03-01", "2009-01-31"} {
		dues = append(dues, MustDate(s))
	}
	// Plus every day of 2011, so each position relative to a month end occurs.
	for d := MustDate("2011-01-01"); d.Year() == 2011; d = d.AddDays(1) {
		dues = append(dues, d)
	}
	states := []DueState{DueOK, DueSoon, DueOverdue}
	for _, p := range policies {
		for today := MustDate("2009-01-01"); today.Year() <= 2013; today = today.AddDays(1) {
			var from, to [3]Date
			for i, s := range states {
				from[i], to[i] = p.DueRange(s, today)
			}
			for _, due := range dues {
				got := p.DueStateOn(&due, today)
				matched := 0
				for i, s := range states {
					in := (from[i].IsZero() || !due.Before(from[i])) && (to[i].IsZero() || !due.After(to[i]))
					if in {
						matched++
					}
					if in != (got == s) {
						t.Fatalf("policy %+v, today %s, due %s: DueStateOn = %s but DueRange(%s) = [%s, %s] selects=%v",
							p, today, due, got, s, from[i], to[i], in)
					}
				}
				if matched != 1 {
					t.Fatalf("today %s, due %s: in %d ranges, want exactly 1", today, due, matched)
				}
			}
		}
	}
}

func TestDueRangeNone(t *testing.T) {
	// DueNone has no date bounds: callers must filter on a NULL due date instead.
	if from, to := DefaultInspectionPolicy().DueRange(DueNone, MustDate("2010-06-30")); !from.IsZero() || !to.IsZero() {
		t.Errorf("DueRange(none) = [%s, %s], want open", from, to)
	}
}
