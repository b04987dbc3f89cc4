package domain

// DueState is an officer's inspection state on a given day.
type DueState string

const (
	DueNone    DueState = "none"     // no certificate, so no due date
	DueOK      DueState = "ok"       // more than the warning window away
	DueSoon    DueState = "due_soon" // within the window: shown dark red (暗红色)
	DueOverdue DueState = "overdue"  // past the due date: bright red (鲜红色)
)

// InspectionPolicy holds the configurable inspection rules.
type InspectionPolicy struct {
	CycleMonths  int // months between inspections (default 24)
	WarnMonths   int // months before the due date that "due soon" starts (default 2)
	ExamEveryNth int // an exam is required at every Nth inspection (default 2: "四年年审必须考试")
}

// DefaultInspectionPolicy is the seed's rule set.
func DefaultInspectionPolicy() InspectionPolicy {
	return InspectionPolicy{CycleMonths: 24, WarnMonths: 2, ExamEveryNth: 2}
}

// NextDue is the date the next inspection falls due.
func (p InspectionPolicy) NextDue(lastInspected Date) Date {
	return lastInspected.AddMonths(p.CycleMonths)
}

// DueStateOn classifies a due date on day today. The seed's example: due
// 2010-06-30 is due soon from 2010-04-30 and overdue after 2010-06-30.
// "Due soon" is written as due <= today+window (not today >= due-window) so
// that SQL filters and this function agree exactly, month-end clamping included.
func (p InspectionPolicy) DueStateOn(due *Date, today Date) DueState {
	switch {
	case due == nil || due.IsZero():
		return DueNone
	case today.After(*due):
		return DueOverdue
	case !due.After(today.AddMonths(p.WarnMonths)):
		return DueSoon
	}
	return DueOK
}

// DueRange returns the due-date bounds [from, to] (either may be zero for
// open) that select state on day today, for SQL filters.
func (p InspectionPolicy) DueRange(state DueState, today Date) (from, to Date) {
	switch state {
	case DueOverdue:
		return Date{}, today.AddDays(-1)
	case DueSoon:
		return today, today.AddMonths(p.WarnMonths)
	case DueOK:
		return today.AddMonths(p.WarnMonths).AddDays(1), Date{}
	}
	return Date{}, Date{}
}
