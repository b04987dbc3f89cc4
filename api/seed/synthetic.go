package seed

import (
	"context"
	"fmt"
	"math/rand/v2"
	"strconv"
	"sync"
	"time"

	"github.com/lecms/lecms/api/domain"
	"github.com/lecms/lecms/api/store"
)

// Synthetic data: SyntheticUnitsPerCity units per city (code S + 2-digit
// city index + 3-digit sequence), a fifth at city level and the rest spread
// over the city's districts and counties, and officers with codes S +
// 9-digit sequence that continue across runs.
const (
	SyntheticUnitsPerCity = 200
	syntheticBatch        = 10_000
	progressEvery         = 100_000
)

// Officers inserts n synthetic officers (with certificates and exam
// records in the same spread of states as the demo), creating the
// synthetic units first if missing. Batches of 10,000 stream through
// store.InsertOfficers (COPY on PostgreSQL) while the next batch is
// generated; a progress line is logged every 100,000 officers. Repeated
// runs add officers after the ones already there.
func Officers(ctx context.Context, d Deps, n int) (Summary, error) {
	start := time.Now()
	sum := newSummary()
	if err := d.fill(); err != nil {
		return sum, err
	}
	if n < 0 {
		return sum, fmt.Errorf("seed: officer count %d is negative", n)
	}
	regions := Shandong()
	if err := d.DB.InsertRegions(ctx, regions); err != nil {
		return sum, fmt.Errorf("seed regions: %w", err)
	}
	sum.Regions = len(regions)
	units, created, err := ensureSyntheticUnits(ctx, d)
	if err != nil {
		return sum, err
	}
	sum.Units = created
	if n == 0 {
		sum.Elapsed = time.Since(start)
		return sum, nil
	}

	first, err := nextSyntheticSeq(ctx, d.DB)
	if err != nil {
		return sum, err
	}
	if first+int64(n)-1 > idSpace {
		return sum, fmt.Errorf("seed: at most %d synthetic officers fit the ID number space, %d exist", idSpace, first-1)
	}
	existing, err := d.DB.MaxCertNumbers(ctx, certPrefixLen)
	if err != nil {
		return sum, err
	}
	g := newOfficerGen(uint64(first), d, existing)

	ctx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)
	batches := make(chan []store.NewOfficer, 2)
	go func() { // the generator: one goroutine, so the output is deterministic
		defer close(batches)
		for done := 0; done < n; {
			size := min(syntheticBatch, n-done)
			batch := g.syntheticBatch(units, first+int64(done), size)
			done += size
			select {
			case batches <- batch:
			case <-ctx.Done():
				return
			}
		}
	}()

	writers := d.Writers
	if writers < 1 {
		writers = 2
	}
	if d.DB.Dialect() != store.Postgres {
		writers = 1
	}
	var (
		mu       sync.Mutex
		wg       sync.WaitGroup
		lastNote int
	)
	for range writers {
		wg.Go(func() {
			for batch := range batches {
				if ctx.Err() != nil {
					continue // drain: another writer failed
				}
				if err := d.DB.InsertOfficers(ctx, batch); err != nil {
					cancel(fmt.Errorf("seed officers: %w", err))
					return
				}
				mu.Lock()
				sum.count(d.Policy, d.Today, batch)
				if sum.Officers/progressEvery > lastNote/progressEvery {
					el := time.Since(start)
					d.Log.Info("synthetic officers", "done", sum.Officers, "of", n,
						"per_second", int(float64(sum.Officers)/el.Seconds()), "elapsed", el.Round(time.Second).String())
				}
				lastNote = sum.Officers
				mu.Unlock()
			}
		})
	}
	wg.Wait()
	if err := context.Cause(ctx); err != nil {
		return sum, err
	}
	sum.Elapsed = time.Since(start)
	d.Log.Info("synthetic officers loaded", "officers", sum.Officers, "certificates", sum.Certificates,
		"exams", sum.Exams, "elapsed", sum.Elapsed.Round(time.Millisecond).String())
	return sum, nil
}

// syntheticBatch draws size officers with sequences from k, each in a
// random synthetic unit.
func (g *officerGen) syntheticBatch(units []unitInfo, k int64, size int) []store.NewOfficer {
	batch := make([]store.NewOfficer, size)
	for i := range batch {
		u := &units[g.rng.IntN(len(units))]
		batch[i] = g.officer(u, syntheticCode(k+int64(i)), g.syntheticID(k+int64(i), u.Region))
	}
	return batch
}

// syntheticUnits is the fixed list of synthetic units (IDs unset).
func syntheticUnits() []unitInfo {
	cityB := []bureau{bMarket, bUrban, bEcology, bTraffic, bLand, bFarm, bCulture, bHealth, bSafety, bWater, bHousing, bJustice}
	countyB := []bureau{bMarket, bUrban, bEcology, bTraffic, bFarm, bHealth, bSafety, bCulture, bJustice}
	out := make([]unitInfo, 0, len(shandongCities)*SyntheticUnitsPerCity)
	for ci := range shandongCities {
		c := &shandongCities[ci]
		add := func(j int, region domain.RegionCode, name string, b bureau) {
			out = append(out, unitInfo{Code: fmt.Sprintf("S%02d%03d", ci+1, j), Name: name, Region: region,
				Category: b.category, Legal: b.legal})
		}
		nCity := SyntheticUnitsPerCity / 5
		for j := range nCity {
			b := cityB[j%len(cityB)]
			add(j, c.code, unitName(b, c, nil)+teamSuffix(b, j/len(cityB)), b)
		}
		perCounty := map[domain.RegionCode]int{}
		for j := nCity; j < SyntheticUnitsPerCity; j++ {
			k := &c.counties[(j-nCity)%len(c.counties)]
			r := perCounty[k.code]
			perCounty[k.code]++
			b := countyB[r%len(countyB)]
			add(j, k.code, unitName(b, c, k)+teamSuffix(b, r/len(countyB)), b)
		}
	}
	return out
}

// teamSuffix names the t-th synthetic team of a bureau (第一执法大队 …), so
// synthetic units never carry the name of a demo unit.
func teamSuffix(b bureau, t int) string {
	if b.legal {
		return "第" + chineseNumber(t+1) + "执法监督科"
	}
	return "第" + chineseNumber(t+1) + "执法大队"
}

func chineseNumber(n int) string {
	digits := []string{"", "一", "二", "三", "四", "五", "六", "七", "八", "九"}
	switch {
	case n < 10:
		return digits[n]
	case n < 20:
		return "十" + digits[n%10]
	case n < 100:
		return digits[n/10] + "十" + digits[n%10]
	}
	return strconv.Itoa(n)
}

// ensureSyntheticUnits inserts the synthetic units that are missing and
// returns all of them with ids, and how many it created.
func ensureSyntheticUnits(ctx context.Context, d Deps) ([]unitInfo, int, error) {
	units := syntheticUnits()
	codes := make([]string, len(units))
	for i, u := range units {
		codes[i] = u.Code
	}
	have, err := d.DB.UnitIDsByCode(ctx, codes)
	if err != nil {
		return nil, 0, err
	}
	rng := rand.New(rand.NewPCG(SyntheticUnitsPerCity, 370000))
	var missing []store.NewUnit
	var missingIdx []int
	for i, u := range units {
		if id, ok := have[u.Code]; ok {
			units[i].ID = id
			continue
		}
		missing = append(missing, store.NewUnit{Code: u.Code, Name: u.Name, RegionCode: u.Region,
			CreditCode: uscc(rng, u.Region), Phone: phone(rng, u.Region)})
		missingIdx = append(missingIdx, i)
	}
	ids, err := d.DB.InsertUnits(ctx, missing)
	if err != nil {
		return nil, 0, fmt.Errorf("seed synthetic units: %w", err)
	}
	for j, i := range missingIdx {
		units[i].ID = ids[j]
	}
	return units, len(missing), nil
}

func syntheticCode(k int64) string { return fmt.Sprintf("S%09d", k) }

// nextSyntheticSeq is one past the largest synthetic officer sequence stored.
func nextSyntheticSeq(ctx context.Context, db *store.DB) (int64, error) {
	max, err := db.MaxOfficerCode(ctx, "S")
	if err != nil || max == "" {
		return 1, err
	}
	k, err := strconv.ParseInt(max[1:], 10, 64)
	if err != nil || len(max) != 10 {
		return 0, fmt.Errorf("seed: unexpected synthetic officer code %q", max)
	}
	return k + 1, nil
}

// The synthetic ID numbers map the officer sequence k one-to-one onto
// (birth date, sequence number, sex): birth dates 1965–1998, sequence
// numbers demoIDSeqs..499 (the demo uses those below), so no two synthetic
// officers and no demo officer share a number whatever their regions. A
// multiplier coprime with the space scatters consecutive officers over
// ages and sexes.
var (
	idDays  = int64(birthTo.Time().Sub(birthFrom.Time()).Hours()/24) + 1
	idSlots = int64(500-demoIDSeqs) * 2
	idSpace = idDays * idSlots
)

const idMultiplier = 6_700_417 // prime, and no factor of idSpace

func (g *officerGen) syntheticID(k int64, unit domain.RegionCode) domain.IDNumber {
	x := ((k - 1) % idSpace * idMultiplier) % idSpace
	day, slot := x/idSlots, x%idSlots
	return domain.MakeIDNumber(g.birthRegion(unit), birthFrom.AddDays(int(day)), demoIDSeqs+int(slot/2), slot%2 == 1)
}
