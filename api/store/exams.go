package store

import (
	"context"
	"time"

	"github.com/lecms/lecms/api/domain"
)

// Exams stores officers' law exam results (执法资格考试).
type Exams struct{ db *DB }

func NewExams(db *DB) *Exams { return &Exams{db: db} }

// Exam is one stored exam result.
type Exam struct {
	ID        int64
	OfficerID int64
	NewExam
	CreatedAt time.Time
}

// Add records an exam of officer id and returns it.
func (s *Exams) Add(ctx context.Context, officerID int64, e NewExam) (Exam, error) {
	r := examRow{OfficerID: officerID, Kind: e.Kind, TakenOn: e.TakenOn, Score: e.Score, Passed: e.Passed, CreatedAt: s.db.now()}
	var n int64
	if err := s.db.ctx(ctx).Model(&officerRow{}).Where("id = ?", officerID).Count(&n).Error; err != nil {
		return Exam{}, err
	}
	if n == 0 {
		return Exam{}, domain.Errorf(domain.CodeNotFound, "执法人员不存在")
	}
	if err := s.db.ctx(ctx).Create(&r).Error; err != nil {
		return Exam{}, err
	}
	return examOf(r), nil
}

// List returns officer id's exams, latest first.
func (s *Exams) List(ctx context.Context, officerID int64) ([]Exam, error) {
	var rows []examRow
	if err := s.db.ctx(ctx).Where("officer_id = ?", officerID).Order("taken_on DESC, id DESC").Find(&rows).Error; err != nil {
		return nil, err
	}
	out := make([]Exam, len(rows))
	for i, r := range rows {
		out[i] = examOf(r)
	}
	return out, nil
}

func examOf(r examRow) Exam {
	return Exam{ID: r.ID, OfficerID: r.OfficerID, CreatedAt: r.CreatedAt,
		NewExam: NewExam{Kind: r.Kind, TakenOn: r.TakenOn, Score: r.Score, Passed: r.Passed}}
}
